import { AlertCaseEvent } from './alert-case-event.entity';
import { AlertCase } from './alert-case.entity';
import { DetectionSuppression } from './detection-suppression.entity';

export * from './alert-case.entity';
export * from './alert-case-event.entity';
export * from './detection-suppression.entity';

export const DETECTION_ENTITIES = [AlertCase, AlertCaseEvent, DetectionSuppression];
