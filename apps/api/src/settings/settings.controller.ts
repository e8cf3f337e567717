import { Body, Controller, Get, Inject, Param, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { Sql } from 'postgres';
import { z } from 'zod';
import {
  departmentSettingsProblem,
  type DepartmentSettings,
  type PayerSettings,
  payerSettingsSchema,
  providerTypes,
  therapistProfileProblem,
} from '@careflow/domain';
import { SQL } from '@careflow/platform';
import { describeTarget, invalidRequest, jsonSchemaOf, notFound, Operation, parseOr400, RouteDoc } from '../http';
import { DepartmentSettingsStore } from '../referrals/department-settings';
import { departmentIdSchema } from '../referrals/referral-intake';

const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { error: 'must be an id (letters, digits, . _ : -)' });

/** A therapist's directory entry as an admin keeps it; the caseload is counted, never stored. */
const therapistEntrySchema = z.strictObject({
  departmentId: departmentIdSchema,
  active: z.boolean({ error: 'must be true or false' }),
  providerType: z.enum(providerTypes, { error: `must be one of ${providerTypes.join(', ')}` }).nullable(),
  profile: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
});

/** Problems of the domain's single-message checks, as the one field at fault. */
const settingsProblemOf = (problem: string): { path: string; problem: string } => {
  const [path = '(body)', ...rest] = problem.split(' ');
  return { path, problem: rest.join(' ') };
};

/**
 * Hospital-wide settings, for admins (`settings:admin`): a department's settings (the domain's
 * DepartmentSettings, checked by departmentSettingsProblem) and the therapist directory. Settings and
 * profiles are not PHI, but every change is audited like any other request.
 */
@Controller()
export class SettingsController {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly departments: DepartmentSettingsStore,
  ) {}

  @Get('departments/:departmentId/settings')
  @Operation('settings:admin', { resource: 'department-settings' })
  @RouteDoc({ summary: "A department's settings (the defaults until stored)" })
  async departmentSettings(@Param('departmentId') departmentId: string, @Req() request: Request): Promise<DepartmentSettings> {
    const id = this.idOf(departmentId, request);
    return this.departments.settingsOf(id);
  }

  @Put('departments/:departmentId/settings')
  @Operation('settings:admin', { resource: 'department-settings' })
  @RouteDoc({
    summary: "Store a department's settings",
    body: {
      type: 'object',
      description: "The domain's DepartmentSettings (docs/clinical-rules.md, department settings and their bounds).",
    },
  })
  async storeDepartmentSettings(
    @Param('departmentId') departmentId: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<DepartmentSettings> {
    const id = this.idOf(departmentId, request);
    const problem = departmentSettingsProblem(body);
    if (problem !== undefined) throw invalidRequest([settingsProblemOf(problem)]);
    const settings = body as DepartmentSettings;
    await this.sql`
      INSERT INTO departments (department_id, settings) VALUES (${id}, ${this.sql.json(settings as never)})
      ON CONFLICT (department_id) DO UPDATE SET settings = excluded.settings, updated_at = now()`;
    return settings;
  }

  @Get('payers/:payerId/settings')
  @Operation('settings:admin', { resource: 'payer-settings' })
  @RouteDoc({ summary: "A payer's billing settings" })
  async payerSettings(@Param('payerId') payerId: string, @Req() request: Request): Promise<PayerSettings> {
    const id = this.idOf(payerId, request);
    const [row] = await this.sql<{ settings: PayerSettings }[]>`SELECT settings FROM payers WHERE payer_id = ${id}`;
    if (row === undefined) throw notFound('payer');
    return row.settings;
  }

  @Put('payers/:payerId/settings')
  @Operation('settings:admin', { resource: 'payer-settings' })
  @RouteDoc({
    summary: "Store a payer's billing settings (unit rule, GP, thresholds, provider eligibility, fees)",
    body: jsonSchemaOf(payerSettingsSchema),
  })
  async storePayerSettings(@Param('payerId') payerId: string, @Body() body: unknown, @Req() request: Request): Promise<PayerSettings> {
    const id = this.idOf(payerId, request);
    parseOr400(payerSettingsSchema, body);
    const settings = body as PayerSettings;
    await this.sql`
      INSERT INTO payers (payer_id, settings) VALUES (${id}, ${this.sql.json(settings as never)})
      ON CONFLICT (payer_id) DO UPDATE SET settings = excluded.settings, updated_at = now()`;
    return settings;
  }

  @Put('therapists/:therapistId')
  @Operation('settings:admin', { resource: 'therapist' })
  @RouteDoc({ summary: "Store a therapist's directory entry (profile, provider type)", body: jsonSchemaOf(therapistEntrySchema) })
  async storeTherapist(@Param('therapistId') therapistId: string, @Body() body: unknown, @Req() request: Request): Promise<unknown> {
    const id = this.idOf(therapistId, request);
    const entry = parseOr400(therapistEntrySchema, body);
    describeTarget(request, { departmentId: entry.departmentId });
    const problem = therapistProfileProblem({ ...entry.profile, therapistId: id, departmentId: entry.departmentId, activeEpisodeCount: 0 });
    if (problem !== undefined) {
      const { path, problem: what } = settingsProblemOf(problem);
      throw invalidRequest([{ path: path.replace(/^therapist/, 'profile'), problem: what }]);
    }
    await this.sql`
      INSERT INTO therapists (therapist_id, department_id, active, profile, provider_type)
      VALUES (${id}, ${entry.departmentId}, ${entry.active}, ${this.sql.json(entry.profile as never)}, ${entry.providerType})
      ON CONFLICT (therapist_id) DO UPDATE
        SET department_id = excluded.department_id, active = excluded.active, profile = excluded.profile,
            provider_type = excluded.provider_type, updated_at = now()`;
    return { therapistId: id, ...entry };
  }

  private idOf(value: string, request: Request): string {
    if (!idSchema.safeParse(value).success) throw notFound();
    describeTarget(request, { resourceId: value });
    return value;
  }
}
