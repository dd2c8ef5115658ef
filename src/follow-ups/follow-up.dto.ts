import { IntersectionType } from '@nestjs/swagger';
import { PageQuery } from '../common/pagination';
import { QueryFlag } from '../common/params';

export class FollowUpFilters {
  /** `true`: checks due by the hospital's today; `false`: those scheduled later. Left out: every scheduled check. */
  @QueryFlag()
  due?: boolean;
}

export class ListFollowUpsQuery extends IntersectionType(PageQuery, FollowUpFilters) {}
