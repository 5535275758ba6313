// Imports every domain file (each registers its types on the builder) and builds the schema.
import { builder } from '../builder.js';
import './common.js';
import './site.js';
import './gpu-type.js';
import './workload-class.js';
import './model.js';
import './demand-region.js';
import './reach.js';
import './latency.js';
import './fleet.js';
import './import.js';
import './scenario.js';
import './plan.js';
import './plan-diff.js';
import './plan-aggregates.js';
import './plan-sweep.js';
import './plan-updated.js';
import './plan-warm-start.js';
import './schedule.js';
import './api-key.js';
import './caller.js';

export const schema = builder.toSchema({ sortSchema: true });
