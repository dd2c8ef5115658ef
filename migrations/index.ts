import { InitialSchema1732300000000 } from './1732300000000-initial-schema';
import { AccountsAndDevices1732400000000 } from './1732400000000-accounts-and-devices';
import { ChecklistsAndJointRounds1732500000000 } from './1732500000000-checklists-and-joint-rounds';
import { DeadlinesAndNotifications1732600000000 } from './1732600000000-deadlines-and-notifications';
import { AppendOnlyAudit1732700000000 } from './1732700000000-append-only-audit';
import { EvidenceAndAuditChain1732800000000 } from './1732800000000-evidence-and-audit-chain';
import { ReportIndexes1732900000000 } from './1732900000000-report-indexes';
import { DashboardIndexes1733000000000 } from './1733000000000-dashboard-indexes';
import { UnannouncedRounds1733100000000 } from './1733100000000-unannounced-rounds';
import { IntegrityWebhooks1733110000000 } from './1733110000000-integrity-webhooks';
import { SeparationOfDuties1733400000000 } from './1733400000000-separation-of-duties';
import { ProblemLists1733500000000 } from './1733500000000-problem-lists';
import { FindingImports1733510000000 } from './1733510000000-finding-imports';
import { AdmonitionInterviews1733530000000 } from './1733530000000-admonition-interviews';
import { LightGroupsIndex1733540000000 } from './1733540000000-light-groups-index';
import { FindingClosures1733550000000 } from './1733550000000-finding-closures';
import { RoundPlans1733600000000 } from './1733600000000-round-plans';
import { PartyBranches1733610000000 } from './1733610000000-party-branches';
import { RoundNotices1733620000000 } from './1733620000000-round-notices';
import { Announcements1733630000000 } from './1733630000000-announcements';
import { PublishedMonths1733640000000 } from './1733640000000-published-months';
import { TypicalCases1733650000000 } from './1733650000000-typical-cases';
import { MissedPlanOccurrences1733660000000 } from './1733660000000-missed-plan-occurrences';
import { Jobs1733670000000 } from './1733670000000-jobs';
import { LedgerIndexes1733680000000 } from './1733680000000-ledger-indexes';
import { RateLimits1733690000000 } from './1733690000000-rate-limits';
import { AuditSealer1733700000000 } from './1733700000000-audit-sealer';
import { ContactsAndNotificationSettings1733710000000 } from './1733710000000-contacts-and-notification-settings';
import { NotificationChannels1733720000000 } from './1733720000000-notification-channels';
import { PersonalEmails1733730000000 } from './1733730000000-personal-emails';
import { RobotSendLog1733740000000 } from './1733740000000-robot-send-log';

/** Every migration, in order. Listed here so the same list serves the service, the CLI and tests. */
export const MIGRATIONS = [
  InitialSchema1732300000000,
  AccountsAndDevices1732400000000,
  ChecklistsAndJointRounds1732500000000,
  DeadlinesAndNotifications1732600000000,
  AppendOnlyAudit1732700000000,
  EvidenceAndAuditChain1732800000000,
  ReportIndexes1732900000000,
  DashboardIndexes1733000000000,
  UnannouncedRounds1733100000000,
  IntegrityWebhooks1733110000000,
  SeparationOfDuties1733400000000,
  ProblemLists1733500000000,
  FindingImports1733510000000,
  AdmonitionInterviews1733530000000,
  LightGroupsIndex1733540000000,
  FindingClosures1733550000000,
  RoundPlans1733600000000,
  PartyBranches1733610000000,
  RoundNotices1733620000000,
  Announcements1733630000000,
  PublishedMonths1733640000000,
  TypicalCases1733650000000,
  MissedPlanOccurrences1733660000000,
  Jobs1733670000000,
  LedgerIndexes1733680000000,
  RateLimits1733690000000,
  AuditSealer1733700000000,
  ContactsAndNotificationSettings1733710000000,
  NotificationChannels1733720000000,
  PersonalEmails1733730000000,
  RobotSendLog1733740000000,
];
