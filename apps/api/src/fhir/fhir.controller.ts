/**
 * FHIR R4 routes (docs/fhir.md): a referral as a ServiceRequest through the one referral path, and an
 * episode as a Bundle. Refusals are RFC 9457 problem details whose errors name FHIRPath locations.
 */
import { Body, Controller, Get, Header, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import type { Bundle } from 'fhir/r4';
import type { Request, Response } from 'express';
import { referralFromFhir } from '@careflow/fhir';
import { callerOf, describeTarget, EpisodeAccess, invalidRequest, notFound, Operation } from '../http';
import { departmentIdSchema, ReferralIntake } from '../referrals/referral-intake';
import type { ReferralAnswer } from '../referrals/referrals.controller';
import { EpisodeFhir } from './episode-fhir';

@Controller()
export class FhirController {
  constructor(
    private readonly intake: ReferralIntake,
    private readonly access: EpisodeAccess,
    private readonly episodes: EpisodeFhir,
  ) {}

  /**
   * The department is the ServiceRequest's performer (`urn:careflow:department-id`), or the caller's
   * one department when it names none. 201/200/409/400/422 as POST /referrals.
   */
  @Post('fhir/ServiceRequest')
  @Operation('command:ReceiveReferral', { action: 'create' })
  async serviceRequest(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReferralAnswer> {
    const caller = callerOf(request);
    describeTarget(request, { resourceType: 'episode' });
    const mapped = referralFromFhir(body);
    if ('problems' in mapped) {
      throw invalidRequest(
        mapped.problems.map((problem) => ({ path: problem.location, problem: problem.message })),
        'The FHIR resource has elements at fault; each is named in errors by its FHIRPath.',
      );
    }
    const [onlyDepartment, ...others] = caller.departments;
    const departmentId = mapped.departmentId ?? (others.length === 0 ? onlyDepartment : undefined);
    if (departmentId === undefined || !departmentIdSchema.safeParse(departmentId).success) {
      throw invalidRequest([
        { path: 'ServiceRequest.performer', problem: 'must name the department (identifier system urn:careflow:department-id)' },
      ]);
    }
    const outcome = await this.intake.submit({ departmentId, referral: mapped.referral }, caller, (target) =>
      describeTarget(request, target),
    );
    response.status(outcome.result === 'created' ? HttpStatus.CREATED : HttpStatus.OK);
    return { episodeId: outcome.episodeId, status: outcome.status };
  }

  /** The episode's Bundle: the clinical record with its notes' words, so only clinical readers get it. */
  @Get('episodes/:id/fhir')
  @Operation('episode:note-text', { action: 'read' })
  @Header('Content-Type', 'application/fhir+json')
  async episodeBundle(@Param('id') id: string, @Req() request: Request): Promise<Bundle> {
    const episode = await this.access.episode(request, id);
    const bundle = await this.episodes.bundle(episode.episodeId);
    if (bundle === undefined) throw notFound('episode');
    return bundle;
  }
}
