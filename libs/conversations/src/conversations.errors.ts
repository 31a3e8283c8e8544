import { registerErrorStatus } from '@engram/common';

/** Codes thrown as ValidationError by the controller (array bounds checked before the schema). */
registerErrorStatus({ empty_messages: 400, too_many_messages: 400 });
