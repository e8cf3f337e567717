/**
 * The lists screening matches intake medications against (docs/clinical-rules.md §4: anticoagulant or
 * antiplatelet therapy). Data only, kept in one place so pharmacy can review it. Names are generic
 * and common US brand names, lower case; a medication matches when one of them appears as a whole
 * word (or words) in what intake recorded, in any case.
 */

import type { z } from 'zod';
import { oneOf, record, shortText } from '../validation';

/** How intake may class a medication; a class, when recorded, decides over the name. */
export const medicationClasses = ['anticoagulant', 'antiplatelet', 'other'] as const;
export type MedicationClass = (typeof medicationClasses)[number];

/** A current medication as intake records it: the name as the patient or chart gives it, and its class when known. */
export const medicationSchema = record({ name: shortText, class: oneOf(medicationClasses).optional() });
export type Medication = z.infer<typeof medicationSchema>;

export const anticoagulantNames: readonly string[] = [
  'warfarin',
  'coumadin',
  'jantoven',
  'apixaban',
  'eliquis',
  'rivaroxaban',
  'xarelto',
  'dabigatran',
  'pradaxa',
  'edoxaban',
  'savaysa',
  'lixiana',
  'heparin',
  'enoxaparin',
  'lovenox',
  'dalteparin',
  'fragmin',
  'tinzaparin',
  'fondaparinux',
  'arixtra',
  'argatroban',
  'bivalirudin',
  // Class words a chart uses for them.
  'anticoagulant',
  'blood thinner',
  'doac',
  'noac',
  'lmwh',
];

export const antiplateletNames: readonly string[] = [
  'clopidogrel',
  'plavix',
  'prasugrel',
  'effient',
  'ticagrelor',
  'brilinta',
  'ticlopidine',
  'cangrelor',
  'dipyridamole',
  'aggrenox',
  'cilostazol',
  'vorapaxar',
  'antiplatelet',
];

/**
 * Aspirin counts as antiplatelet therapy unless intake classes it otherwise: every dose inhibits
 * platelets, so an aspirin of unknown purpose is screened as one.
 */
export const aspirinNames: readonly string[] = ['aspirin', 'acetylsalicylic acid', 'asa'];
