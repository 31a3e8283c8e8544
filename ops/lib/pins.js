'use strict';
/**
 * Pin rules the scripts check before sending anything. They mirror libs/pins/src/pins.dto.ts;
 * the scripts run without a build step, so they cannot import the TypeScript originals.
 */
const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const PIN_KEY_PATTERN = /^[A-Za-z0-9:_\-./]{1,256}$/;
const MAX_TTL_SECONDS = 31_536_000;
const MAX_SOURCE_LENGTH = 256;
const PINS_PATH = '/api/v1/memory/pins';

/** The API path of one pin; keys may hold "/", which the API accepts percent-encoded. */
function pinPath(tenantId, key) {
  return `${PINS_PATH}/${encodeURIComponent(key)}?tenant_id=${encodeURIComponent(tenantId)}`;
}

module.exports = { TENANT_ID_PATTERN, PIN_KEY_PATTERN, MAX_TTL_SECONDS, MAX_SOURCE_LENGTH, PINS_PATH, pinPath };
