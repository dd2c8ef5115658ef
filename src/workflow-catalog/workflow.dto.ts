import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { type Label, type Labels, type Workflow, statePaths, toMermaid } from '../../workflows';

export class WorkflowDto {
  id: string;
  version: number;
  entityType: string;
  description: string;
  states: string[];
  events: string[];
  /** A Mermaid `stateDiagram-v2`, drawn from the machine definition. */
  mermaid: string;

  static from(workflow: Workflow): WorkflowDto {
    const machine = workflow.machine;
    const states = statePaths(machine);
    const events = [...new Set(machine.events)].sort();
    return {
      id: workflow.id,
      version: workflow.version,
      entityType: workflow.entityType,
      description: workflow.description,
      states,
      events,
      mermaid: toMermaid(machine),
    };
  }
}

export class LabelDto implements Label {
  /** In the hospital's language. */
  zh: string;
  en: string;
}

/** Labels by identifier: each of the group's identifiers has one. */
const LabelsByName = () => ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(LabelDto) } });

/** The names people read for the domain's identifiers, by group: what the ledger, notice, case file and tablet app show. */
@ApiExtraModels(LabelDto)
export class WorkflowLabelsDto implements Labels {
  /** A finding's progress, timeliness, extension and receipt; a round's state and its parts'. */
  @LabelsByName()
  state: Labels['state'];
  /** The machines' events and the other entries of a trail (PLAN, SELF_AUDIT_ALLOWED, CLOSURE_SAMPLE_DRAWN, REGISTER_FINDING, LIST_IMPORTED). */
  @LabelsByName()
  event: Labels['event'];
  @LabelsByName()
  role: Labels['role'];
  @LabelsByName()
  severity: Labels['severity'];
  @LabelsByName()
  roundType: Labels['roundType'];
  /** What a notification tells of: its `type`. */
  @LabelsByName()
  notice: Labels['notice'];
  /** Where a finding came from: its `source`. */
  @LabelsByName()
  source: Labels['source'];
  /** Supervision lights: a finding's `light`. */
  @LabelsByName()
  light: Labels['light'];
  /** A department's monthly grade: an assessment's `grade`, or its `gradeLabel`. */
  @LabelsByName()
  grade: Labels['grade'];
}
