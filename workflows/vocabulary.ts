/** The domain's words, shared by the machines and the service (see DOMAIN.md, glossary). */
export const ROUND_TYPES = ['administrative', 'party_building', 'integrity'] as const;
export type RoundType = (typeof ROUND_TYPES)[number];

export const ROLES = [
  'inspector',
  'round_lead',
  'department_staff',
  'verifier',
  'discipline_office',
  'admin',
  /** The hospital's leadership (医院领导, 领导小组): reads the programme's work and figures, writes nothing. */
  'leadership',
  'system',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles a person can hold; `system` belongs to the service's own timers. */
export const USER_ROLES = ROLES.filter((role): role is Exclude<Role, 'system'> => role !== 'system');

export const SEVERITIES = ['minor', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A department's monthly grade (考核等级), or 未检查 when no round was held in the month. */
export const GRADES = ['excellent', 'good', 'pass', 'fail', 'not_inspected'] as const;
export type Grade = (typeof GRADES)[number];

export const DEPARTMENT_KINDS = ['functional', 'clinical'] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

/** Who sends an event, as far as the rules need to know. */
export interface Actor {
  id: string;
  roles: readonly Role[];
  departmentId: string | null;
  /** Round types whose lead office is the actor's department. */
  leadOfficeFor: readonly RoundType[];
}

export const SYSTEM_ACTOR: Actor = { id: 'system', roles: ['system'], departmentId: null, leadOfficeFor: [] };

/**
 * Every event carries who sends it and when, so guards stay pure and tests need no clock.
 * `today` is the hospital's calendar date at `at`, in `timeZone`, where dates given alone are read.
 */
export interface Envelope {
  actor: Actor;
  at: string;
  today: string;
  timeZone: string;
}

export type WorkflowEvent<Type extends string, Payload = unknown> = { type: Type } & Envelope & Payload;

/** A payload that does not fit the subject's current data; answered 400 with the field. */
export interface PayloadProblem {
  field: string;
  reason: string;
}

/** Why an event its sender could otherwise send may not be sent now (409 with details); `entitled` says whether the sender is such a one. */
export interface Conflict {
  message: string;
  details: Record<string, unknown>;
  entitled: boolean;
}

/**
 * Marks the probe `availableEvents` sends for each event type: it carries no payload, so guards on
 * the payload let it through ("may send now, payload aside"). A symbol, so no request can carry it.
 */
export const PAYLOAD_ASIDE = Symbol('payloadAside');
export const isPayloadAside = (event: object): boolean => PAYLOAD_ASIDE in event;

export const hasRole = (actor: Actor, role: Role): boolean => actor.roles.includes(role);

/** An evidence file as events and audit entries record it: its SHA-256 makes a changed file detectable. */
export interface EvidenceFile {
  id: string;
  sha256: string;
  size: number;
  contentType: string;
  originalName: string;
  /** The day the evidence applies to (when the photo was taken), as the uploader gave it. */
  effectiveDate: string | null;
}
