// Numbers, sizes, durations and times as operators read them.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

const UNKNOWN = '—';

export function formatInteger(value) {
  return Number.isFinite(value) ? integer.format(value) : UNKNOWN;
}

export function formatRate(value) {
  if (!Number.isFinite(value)) return UNKNOWN;
  return value >= 100 ? integer.format(value) : value >= 10 ? oneDecimal.format(value) : twoDecimals.format(value);
}

export function formatPercent(value) {
  return Number.isFinite(value) ? `${oneDecimal.format(value)} %` : UNKNOWN;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(value) {
  if (!Number.isFinite(value)) return UNKNOWN;
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1024 && unit < BYTE_UNITS.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || scaled >= 100 ? integer : oneDecimal;
  return `${digits.format(scaled)} ${BYTE_UNITS[unit]}`;
}

export function formatBytesPerSecond(value) {
  return Number.isFinite(value) ? `${formatBytes(value)}/s` : UNKNOWN;
}

/** 93784000 ms -> "1d 2h 3m"; under a minute -> "42s". */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return UNKNOWN;
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h ${minutes}m`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${seconds}s`;
}

/** "just now", "3 s ago", "5 min ago", "2 h ago", "4 d ago". */
export function formatAgo(timestampMs, nowMs = Date.now()) {
  if (!Number.isFinite(timestampMs)) return UNKNOWN;
  const seconds = Math.max(0, Math.round((nowMs - timestampMs) / 1000));
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function formatDateTime(value) {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? UNKNOWN : dateTime.format(date);
}

export function formatTime(value) {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? UNKNOWN : timeOnly.format(date);
}

/** Milliseconds since the epoch of an RFC 3339 string, or NaN. */
export function parseTime(text) {
  return typeof text === 'string' ? Date.parse(text) : NaN;
}
