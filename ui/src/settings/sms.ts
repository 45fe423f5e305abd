// SMS encoding and segment counting, by the same rules as the server's
// `journeys.domain.sms`: tests/fixtures/sms_vectors.json is checked against both.

export type SmsEncoding = 'GSM-7' | 'UCS-2'

/** The GSM 03.38 default alphabet (3GPP TS 23.038), one septet per character, without the escape code. */
export const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)
/** The extension table: each character is sent as the escape code plus one septet, so it counts two. */
export const GSM7_EXTENSION = new Set('\f^{}\\[~]|€')

/** The provider limit on a message body, in characters (Unicode code points). */
export const MAX_SMS_LENGTH = 1600

const GSM7_SINGLE_SEGMENT = 160
const GSM7_CONCATENATED_SEGMENT = 153
const UCS2_SINGLE_SEGMENT = 70
const UCS2_CONCATENATED_SEGMENT = 67

export interface SmsCount {
  encoding: SmsEncoding
  segments: number
  /** Unicode code points, which is how the server measures the 1,600-character limit. */
  characters: number
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number
}

/**
 * Counts the encoding and segments `text` needs. GSM-7 fits 160 septets in one
 * segment and 153 per part of a longer message; UCS-2 fits 70 UTF-16 code units,
 * or 67 per part. A part never splits an escape sequence or a surrogate pair, and
 * an empty text still costs one segment.
 */
export function countSms(text: string): SmsCount {
  const characters = Array.from(text)
  const isGsm = characters.every((char) => GSM7_BASIC.has(char) || GSM7_EXTENSION.has(char))

  if (isGsm) {
    const costs = characters.map((char) => (GSM7_EXTENSION.has(char) ? 2 : 1))
    return summary('GSM-7', costs, GSM7_SINGLE_SEGMENT, GSM7_CONCATENATED_SEGMENT)
  }

  const costs = characters.map((char) => ((char.codePointAt(0) ?? 0) > 0xffff ? 2 : 1))
  return summary('UCS-2', costs, UCS2_SINGLE_SEGMENT, UCS2_CONCATENATED_SEGMENT)
}

/** Describes a count as the counter under the message editor shows it. */
export function describeSmsCount(count: SmsCount): string {
  const segments = count.segments === 1 ? '1 segment' : `${count.segments} segments`
  const characters = count.characters === 1 ? '1 character' : `${count.characters.toLocaleString('en-US')} characters`
  return `${segments} · ${count.encoding} · ${characters}`
}

/** Returns why `text` is too long to send, or undefined when it fits. */
export function smsLengthProblem(text: string): string | undefined {
  const length = Array.from(text).length
  if (length <= MAX_SMS_LENGTH) return undefined
  return `it has ${length.toLocaleString('en-US')} characters, and an SMS can have at most ${MAX_SMS_LENGTH.toLocaleString('en-US')}`
}

function summary(encoding: SmsEncoding, costs: number[], single: number, part: number): SmsCount {
  const units = costs.reduce((total, cost) => total + cost, 0)
  return { encoding, segments: countSegments(costs, units, single, part), characters: costs.length, units }
}

function countSegments(costs: number[], units: number, single: number, part: number): number {
  if (units <= single) return 1

  // Fill each part greedily so that a two-unit character moves whole to the next part.
  let segments = 1
  let used = 0
  for (const cost of costs) {
    if (used + cost > part) {
      segments += 1
      used = 0
    }
    used += cost
  }
  return segments
}
