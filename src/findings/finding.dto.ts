import { ApiProperty, IntersectionType, OmitType } from '@nestjs/swagger';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { applyDecorators } from '@nestjs/common';
import {
  EXTENSION_STATES,
  FINDING_PROGRESS_STATES,
  FINDING_SOURCES,
  FindingContext,
  LIGHTS,
  RECEIPT_STATES,
  REGISTERED_SOURCES,
  ROUND_TYPES,
  SEVERITIES,
  TIMELINESS_STATES,
  type FindingLead,
  type FindingSource,
  type FollowUp,
  type Light,
  type ReceiptState,
  type ClosureApproval,
  type Evidence,
  type ExtensionState,
  type FindingProgress,
  type Exactly,
  type LoggedFinding,
  type PayloadOf,
  type RoundType,
  type SelfAuditAllowance,
  type Severity,
  type Timeliness,
  type Verification,
} from '../../workflows';
import { AttachmentIds, EvidenceFileDto } from '../attachments/attachment.dto';
import { IsCalendarDate, IsDeadline } from '../common/calendar-date';
import { EventType } from '../common/event-body.pipe';
import { PageQuery } from '../common/pagination';
import { QueryFlag } from '../common/params';
import { FindingEntity } from './finding.entity';

const Text = (max: number) => applyDecorators(IsString(), IsNotEmpty(), MaxLength(max));
const Reason = () => Text(2000);

/** The finding a LOG_FINDING event carries; the service completes it (its department, photos and part). */
export class LogFindingDto implements Pick<LoggedFinding, 'title' | 'description' | 'severity'>, Partial<Pick<LoggedFinding, 'id' | 'roundType' | 'location'>> {
  /** A client-made UUID, so a finding logged offline can be retried without creating a second one. */
  @IsOptional()
  @IsUUID()
  id?: string;

  /** The part of the round it belongs to; may be left out when the round has one type. */
  @IsOptional()
  @IsIn(ROUND_TYPES)
  roundType?: RoundType;

  @Text(200)
  title: string;

  @Text(4000)
  description: string;

  @IsIn(SEVERITIES)
  severity: Severity;

  @IsUUID()
  responsibleDepartmentId: string;

  /** The person answerable (责任人): an active user of the responsible department. */
  @IsOptional()
  @IsUUID()
  responsiblePersonId?: string;

  @IsOptional()
  @Text(200)
  location?: string;

  /** Photos taken when it was found, uploaded first (POST /attachments) by the same user. */
  @IsOptional()
  @AttachmentIds()
  attachmentIds?: string[];
}

/**
 * A finding from another problem list than a round's (POST /findings): it is registered already
 * assigned to its department. `roundType` says whose line of work it is: which office verifies,
 * and whether the discipline office audits its closure.
 */
export class RegisterFindingDto extends OmitType(LogFindingDto, ['roundType'] as const) {
  @ApiProperty({ enum: REGISTERED_SOURCES })
  @IsIn(REGISTERED_SOURCES)
  source: Exclude<FindingSource, 'round'>;

  @IsIn(ROUND_TYPES)
  roundType: RoundType;

  /** Defaults by severity (critical 7 days, major 15, minor 30). A date alone means the end of that day. */
  @IsOptional()
  @IsDeadline()
  deadline?: string;

  /** The reference it bears in the list it came from; a second finding with the same source and reference is refused. */
  @IsOptional()
  @Text(100)
  externalRef?: string;
}

/** What a list of findings, and the ledger, can be narrowed by. */
export class FindingFilters {
  @IsOptional()
  @IsIn(FINDING_PROGRESS_STATES)
  state?: FindingProgress;

  @IsOptional()
  @IsIn(ROUND_TYPES)
  roundType?: RoundType;

  @IsOptional()
  @IsUUID()
  responsibleDepartmentId?: string;

  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @QueryFlag()
  overdue?: boolean;

  @IsOptional()
  @IsUUID()
  roundId?: string;

  @IsOptional()
  @IsIn(FINDING_SOURCES)
  source?: FindingSource;

  @IsOptional()
  @IsIn(LIGHTS)
  light?: Light;

  @IsOptional()
  @IsIn(RECEIPT_STATES)
  receipt?: ReceiptState;

  @IsOptional()
  @IsUUID()
  responsiblePersonId?: string;

  /** One list per Party branch (一张清单): findings whose responsible department is in the branch. */
  @IsOptional()
  @IsUUID()
  partyBranchId?: string;
}

export class ListFindingsQuery extends IntersectionType(PageQuery, FindingFilters) {}

/** Requests for a later deadline (申请延期). */
export class ExtensionDto {
  @ApiProperty({ enum: EXTENSION_STATES })
  state: ExtensionState;
  /** The deadline asked for, while a request is pending. */
  requestedDeadline?: string;
  /** Requests made so far, whatever became of them. */
  count: number;
  /** Requests allowed for this finding. */
  limit: number;
}

export class EvidenceDto implements Evidence {
  note: string;
  attachments: EvidenceFileDto[];
  submittedAt: string;
  submittedBy: string;
}

export class VerificationDto implements Verification {
  acceptedAt: string;
  acceptedBy: string;
}

export class ClosureApprovalDto implements ClosureApproval {
  approvedAt: string;
  approvedBy: string;
}

export class ReceiptDto {
  @ApiProperty({ enum: RECEIPT_STATES })
  state: ReceiptState;
  /** By when the department must sign for it; null until assigned. */
  due: string | null;
  acknowledgedAt: string | null;
}

export class FollowUpDto implements FollowUp {
  /** The calendar date from which the follow-up check (回头看) is due. */
  dueOn: string;
  /** Who scheduled it: `system` when closing scheduled it. */
  scheduledBy: string;
}

export class FindingLeadDto {
  @ApiProperty({ enum: ['round_lead', 'lead_office', 'discipline_office'] })
  kind: FindingLead['kind'];
  /** The round lead, when a round's lead leads it. */
  userId?: string;
}

export class SelfAuditAllowanceDto implements SelfAuditAllowance {
  allowedAt: string;
  /** The discipline-office user who allowed it: never the acceptor. */
  allowedBy: string;
  acceptedBy: string;
  reason: string;
}

export class FindingDto {
  id: string;
  /** None for a finding registered from another problem list. */
  roundId: string | null;
  @ApiProperty({ enum: FINDING_SOURCES })
  source: FindingSource;
  /** Its reference in the list it was imported from. */
  externalRef: string | null;
  @ApiProperty({ enum: ROUND_TYPES })
  roundType: RoundType;
  /** Who rules on disputes, reassigns and withdraws it. */
  lead: FindingLeadDto;
  title: string;
  description: string;
  @ApiProperty({ enum: SEVERITIES })
  severity: Severity;
  location: string | null;
  /** The checklist item whose failure raised the finding. */
  checklistItemCode: string | null;
  responsibleDepartmentId: string;
  /** The person answerable in that department (责任人). */
  responsiblePersonId: string | null;
  @ApiProperty({ enum: FINDING_PROGRESS_STATES })
  state: FindingProgress;
  @ApiProperty({ enum: TIMELINESS_STATES })
  timeliness: Timeliness;
  /** The supervision light (督办红黄绿灯) while open: red overdue or escalated, yellow not signed for in time or due soon. */
  @ApiProperty({ enum: LIGHTS, nullable: true })
  light: Light | null;
  /** The department's sign-off of receipt (签收). */
  receipt: ReceiptDto;
  /** The deadline set by the lead (整改时限): an instant, ISO 8601 with the hospital's offset. */
  deadline: string | null;
  /** The end of the date the plan committed to, while it stands: reminders and "overdue" follow it. */
  committedDue: string | null;
  /** 0 until the finding is escalated; then the level reached (see ESCALATION_LEVELS). */
  escalationLevel: number;
  extension: ExtensionDto;
  measures: string | null;
  committedDate: string | null;
  rejections: number;
  reopenCount: number;
  /** The follow-up check (回头看) due, while one is scheduled. */
  followUp: FollowUpDto | null;
  /** Follow-up checks failed (反弹). */
  relapses: number;
  /** Taken when the finding was logged. */
  photos: EvidenceFileDto[];
  /** The latest evidence submitted, with its files' SHA-256. */
  evidence: EvidenceDto | null;
  /** The lead office's acceptance of that evidence; null again once new evidence comes or the finding is reopened. */
  verification: VerificationDto | null;
  /** The discipline office's approval of the closure; null again once reopened. */
  closureApproval: ClosureApprovalDto | null;
  /** Another discipline-office user's leave for the acceptor to approve the closure audit; null again with the acceptance. */
  selfAuditAllowance: SelfAuditAllowanceDto | null;
  version: number;
  /** Events the caller may send now. */
  availableEvents: string[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;

  static from(entity: FindingEntity, availableEvents: string[]): FindingDto {
    const context = entity.snapshot.context as FindingContext;
    return {
      id: entity.id,
      roundId: entity.roundId,
      source: entity.source,
      externalRef: entity.externalRef,
      roundType: entity.roundType,
      lead: context.lead,
      title: entity.title,
      description: entity.description,
      severity: entity.severity,
      location: entity.location,
      checklistItemCode: entity.checklistItemCode,
      responsibleDepartmentId: entity.responsibleDepartmentId,
      responsiblePersonId: context.responsiblePersonId,
      state: entity.state as FindingProgress,
      timeliness: entity.timeliness,
      light: entity.light,
      receipt: { state: entity.receipt, due: context.receiptDue, acknowledgedAt: context.acknowledgedAt },
      deadline: context.deadline,
      committedDue: context.committedDue,
      escalationLevel: context.escalationLevel,
      extension: {
        state: entity.extension,
        ...(context.proposedDeadline !== null && { requestedDeadline: context.proposedDeadline }),
        count: context.extensionRequests,
        limit: context.extensionLimit,
      },
      measures: context.measures,
      committedDate: context.committedDate,
      rejections: entity.rejections,
      reopenCount: context.reopenCount,
      followUp: context.followUp,
      relapses: context.relapses,
      photos: context.photos,
      evidence: context.evidence,
      verification: context.verification,
      closureApproval: context.closureApproval,
      selfAuditAllowance: context.selfAuditAllowance,
      version: entity.version,
      availableEvents,
      createdBy: entity.createdBy,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
      closedAt: entity.closedAt,
    };
  }
}

/** The base of one DTO per event type: `type` must be exactly that event. */
function FindingEvent<T extends string>(type: T) {
  class FindingEventDto {
    @EventType(type)
    type: T;
  }
  return FindingEventDto;
}

export class AssignDto extends FindingEvent('ASSIGN') implements Exactly<PayloadOf<'ASSIGN'>, AssignDto> {
  /** Defaults to the department named when the finding was logged. */
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  /** Defaults by severity (critical 7 days, major 15, minor 30). A date alone means the end of that day. */
  @IsOptional()
  @IsDeadline()
  deadline?: string;
}

export class ReassignDto extends FindingEvent('REASSIGN') implements Exactly<PayloadOf<'REASSIGN'>, ReassignDto> {
  @IsUUID()
  departmentId: string;

  /** The person answerable in the new department: an active user of it. */
  @IsOptional()
  @IsUUID()
  responsiblePersonId?: string;

  @Reason()
  reason: string;
}

/** The finding's lead sets another deadline for an open finding; the clock starts over. */
export class SetDeadlineDto extends FindingEvent('SET_DEADLINE') implements Exactly<PayloadOf<'SET_DEADLINE'>, SetDeadlineDto> {
  /** Later than now; a date alone means the end of that day. */
  @IsDeadline()
  deadline: string;

  @Reason()
  reason: string;
}

/** The department signs for the finding (签收); a plan or a dispute signs for it too. */
export class AcknowledgeDto extends FindingEvent('ACKNOWLEDGE') implements Exactly<PayloadOf<'ACKNOWLEDGE'>, AcknowledgeDto> {
  @IsOptional()
  @Text(2000)
  note?: string;
}

export class UpholdDto extends FindingEvent('UPHOLD') implements Exactly<PayloadOf<'UPHOLD'>, UpholdDto> {
  @IsOptional()
  @Reason()
  reason?: string;
}

export class DisputeDto extends FindingEvent('DISPUTE') implements Exactly<PayloadOf<'DISPUTE'>, DisputeDto> {
  @Reason()
  reason: string;
}

export class SubmitPlanDto extends FindingEvent('SUBMIT_PLAN') implements Exactly<PayloadOf<'SUBMIT_PLAN'>, SubmitPlanDto> {
  /** The rectification measures (整改措施). */
  @Text(4000)
  measures: string;

  /** The date the department commits to; not after the deadline. */
  @IsCalendarDate()
  committedDate: string;
}

/** Its files come as ids, which the service resolves to the files the machine records. */
export class SubmitEvidenceDto extends FindingEvent('SUBMIT_EVIDENCE') implements Exactly<Omit<PayloadOf<'SUBMIT_EVIDENCE'>, 'attachments'> & { attachmentIds?: string[] }, SubmitEvidenceDto> {
  @Text(4000)
  note: string;

  /** Uploaded first (POST /attachments) by the same user; how many are needed depends on severity (EVIDENCE_REQUIRED). */
  @IsOptional()
  @AttachmentIds()
  attachmentIds?: string[];
}

export class VerifyAcceptDto extends FindingEvent('VERIFY_ACCEPT') implements Exactly<PayloadOf<'VERIFY_ACCEPT'>, VerifyAcceptDto> {
  @IsOptional()
  @Text(2000)
  note?: string;
}

export class VerifyRejectDto extends FindingEvent('VERIFY_REJECT') implements Exactly<PayloadOf<'VERIFY_REJECT'>, VerifyRejectDto> {
  @Reason()
  reason: string;
}

export class AuditApproveDto extends FindingEvent('AUDIT_APPROVE') implements Exactly<PayloadOf<'AUDIT_APPROVE'>, AuditApproveDto> {
  @IsOptional()
  @Text(2000)
  note?: string;
}

export class AuditRejectDto extends FindingEvent('AUDIT_REJECT') implements Exactly<PayloadOf<'AUDIT_REJECT'>, AuditRejectDto> {
  @Reason()
  reason: string;
}

/**
 * A discipline-office user other than the acceptor lets the one who accepted the verification approve
 * the closure audit of this finding, where the office is too small to keep the two apart. Recorded as
 * a security event and listed in the month's notice, reason included.
 */
export class AllowSelfAuditDto extends FindingEvent('ALLOW_SELF_AUDIT') implements Exactly<PayloadOf<'ALLOW_SELF_AUDIT'>, AllowSelfAuditDto> {
  @Reason()
  reason: string;
}

export class ReopenDto extends FindingEvent('REOPEN') implements Exactly<PayloadOf<'REOPEN'>, ReopenDto> {
  @Reason()
  reason: string;
}

export class WithdrawDto extends FindingEvent('WITHDRAW') implements Exactly<PayloadOf<'WITHDRAW'>, WithdrawDto> {
  @Reason()
  reason: string;
}

export class TransferDto extends FindingEvent('TRANSFER') implements Exactly<PayloadOf<'TRANSFER'>, TransferDto> {
  @Reason()
  reason: string;
}

export class RequestExtensionDto extends FindingEvent('REQUEST_EXTENSION') implements Exactly<PayloadOf<'REQUEST_EXTENSION'>, RequestExtensionDto> {
  @Reason()
  reason: string;

  /** Later than the current deadline; a date alone means the end of that day. */
  @IsDeadline()
  proposedDeadline: string;
}

export class ApproveExtensionDto extends FindingEvent('APPROVE_EXTENSION') implements Exactly<PayloadOf<'APPROVE_EXTENSION'>, ApproveExtensionDto> {
  /** Defaults to the proposed deadline. */
  @IsOptional()
  @IsDeadline()
  deadline?: string;
}

export class DenyExtensionDto extends FindingEvent('DENY_EXTENSION') implements Exactly<PayloadOf<'DENY_EXTENSION'>, DenyExtensionDto> {
  @Reason()
  reason: string;
}

/** A follow-up check (回头看) scheduled by hand, on a closed finding. */
export class ScheduleFollowUpDto extends FindingEvent('SCHEDULE_FOLLOW_UP') implements Exactly<PayloadOf<'SCHEDULE_FOLLOW_UP'>, ScheduleFollowUpDto> {
  /** Not before today. */
  @IsCalendarDate()
  dueOn: string;
}

export class FollowUpPassedDto extends FindingEvent('FOLLOW_UP_PASSED') implements Exactly<Omit<PayloadOf<'FOLLOW_UP_PASSED'>, 'attachments'> & { attachmentIds?: string[] }, FollowUpPassedDto> {
  @IsOptional()
  @Text(2000)
  note?: string;

  /** Photos taken at the check, uploaded first (POST /attachments) by the same user. */
  @IsOptional()
  @AttachmentIds()
  attachmentIds?: string[];
}

/** The problem is back (反弹): the finding reopens to rectifying against a new deadline. */
export class FollowUpFailedDto extends FindingEvent('FOLLOW_UP_FAILED') implements Exactly<Omit<PayloadOf<'FOLLOW_UP_FAILED'>, 'attachments'> & { attachmentIds?: string[] }, FollowUpFailedDto> {
  @Reason()
  reason: string;

  /** The new deadline; a date alone means the end of that day. */
  @IsDeadline()
  deadline: string;

  @IsOptional()
  @AttachmentIds()
  attachmentIds?: string[];
}

/** The timers' events: their payload (when due, which level) is the service's own. */
export class DueSoonDto extends FindingEvent('DUE_SOON') {}
export class DeadlinePassedDto extends FindingEvent('DEADLINE_PASSED') {}
export class EscalateDto extends FindingEvent('ESCALATE') {}
export class ReceiptLateDto extends FindingEvent('RECEIPT_LATE') {}
export class ReceiptEscalateDto extends FindingEvent('RECEIPT_ESCALATE') {}

export const FINDING_EVENT_DTOS = {
  ASSIGN: AssignDto,
  REASSIGN: ReassignDto,
  ACKNOWLEDGE: AcknowledgeDto,
  SET_DEADLINE: SetDeadlineDto,
  UPHOLD: UpholdDto,
  DISPUTE: DisputeDto,
  SUBMIT_PLAN: SubmitPlanDto,
  SUBMIT_EVIDENCE: SubmitEvidenceDto,
  VERIFY_ACCEPT: VerifyAcceptDto,
  VERIFY_REJECT: VerifyRejectDto,
  AUDIT_APPROVE: AuditApproveDto,
  AUDIT_REJECT: AuditRejectDto,
  ALLOW_SELF_AUDIT: AllowSelfAuditDto,
  REOPEN: ReopenDto,
  WITHDRAW: WithdrawDto,
  TRANSFER: TransferDto,
  REQUEST_EXTENSION: RequestExtensionDto,
  APPROVE_EXTENSION: ApproveExtensionDto,
  DENY_EXTENSION: DenyExtensionDto,
  SCHEDULE_FOLLOW_UP: ScheduleFollowUpDto,
  FOLLOW_UP_PASSED: FollowUpPassedDto,
  FOLLOW_UP_FAILED: FollowUpFailedDto,
  DUE_SOON: DueSoonDto,
  DEADLINE_PASSED: DeadlinePassedDto,
  ESCALATE: EscalateDto,
  RECEIPT_LATE: ReceiptLateDto,
  RECEIPT_ESCALATE: ReceiptEscalateDto,
};

export type FindingEventBody = InstanceType<(typeof FINDING_EVENT_DTOS)[keyof typeof FINDING_EVENT_DTOS]>;
