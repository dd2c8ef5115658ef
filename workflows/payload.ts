import type { FindingEvent } from './finding.types';
import type { RoundEvent } from './round.types';
import type { Envelope } from './vocabulary';

type AnyWorkflowEvent = FindingEvent | RoundEvent;

/**
 * What the sender of an event of this type writes: the event without its type and its envelope (who
 * sends it, and when). The API's event DTOs implement it, so a field that drifts apart fails to compile.
 */
export type PayloadOf<Type extends AnyWorkflowEvent['type']> = Omit<Extract<AnyWorkflowEvent, { type: Type }>, 'type' | keyof Envelope>;

/**
 * A DTO that writes exactly this payload, as `class XDto implements Exactly<PayloadOf<'X'>, XDto>`:
 * besides what `implements` checks (every required field, each of the payload's type), a field the
 * payload lacks (one renamed on either side) fails to compile. `type` is the DTO's own.
 */
export type Exactly<Payload, Dto> = Payload & { [Field in Exclude<keyof Dto, keyof Payload | 'type'>]: never };
