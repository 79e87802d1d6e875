/**
 * Four Keys performance bands. The thresholds are DORA's published software delivery performance
 * levels (Accelerate State of DevOps Report 2021, "software delivery performance" table) as the Four
 * Keys dashboard buckets them (github.com/dora-team/fourkeys, `METRICS.md` and
 * `dashboard/fourkeys_dashboard.json`). DORA's table leaves gaps between levels (a lead time of two
 * weeks is in none); each band here runs up to where the next begins, which is said per function.
 * DORA publishes no bands for deployment rework rate (added in the 2024 report), so it has none.
 */
export type DoraBand = 'elite' | 'high' | 'medium' | 'low';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Deployment frequency, as Four Keys buckets it: the median number of days per week with at least
 * one deploy is 3 or more ("daily": elite, DORA's "on demand"), at least 1 ("weekly": high); else at
 * least one deploy day per 30 days on average ("monthly": medium); else low ("between once per month
 * and once every six months" and rarer).
 *
 * @param medianDeployDaysPerWeek the median, over the weeks of the range, of days with a deploy
 * @param deployDaysPerMonth days with a deploy per 30 days, over the whole range
 */
export function frequencyBand(medianDeployDaysPerWeek: number, deployDaysPerMonth: number): DoraBand {
  if (medianDeployDaysPerWeek >= 3) return 'elite';
  if (medianDeployDaysPerWeek >= 1) return 'high';
  if (deployDaysPerMonth >= 1) return 'medium';
  return 'low';
}

/**
 * Change lead time (median): under a day elite (Four Keys' "one day" bucket), under a week high
 * (DORA: "between one day and one week"), under six months medium, else low (DORA: "more than six
 * months").
 */
export function leadTimeBand(medianMs: number): DoraBand {
  if (medianMs < DAY_MS) return 'elite';
  if (medianMs < 7 * DAY_MS) return 'high';
  if (medianMs < 183 * DAY_MS) return 'medium';
  return 'low';
}

/**
 * Change fail rate: 0–15 % elite (DORA and Four Keys' first bucket); DORA 2021 puts high, medium and
 * low all at 16–30 %, and Four Keys' next bucket is 16–45 %, so Deckhand splits them: up to 30 %
 * high, up to 45 % medium, above low.
 *
 * @param rate failed deploys ÷ deploys, 0…1
 */
export function changeFailBand(rate: number): DoraBand {
  if (rate <= 0.15) return 'elite';
  if (rate <= 0.3) return 'high';
  if (rate <= 0.45) return 'medium';
  return 'low';
}

/**
 * Failed deployment recovery time (median; DORA's "time to restore service"): under an hour elite,
 * under a day high, under a week medium (DORA: "between one day and one week"), else low.
 */
export function recoveryBand(medianMs: number): DoraBand {
  if (medianMs < HOUR_MS) return 'elite';
  if (medianMs < DAY_MS) return 'high';
  if (medianMs < 7 * DAY_MS) return 'medium';
  return 'low';
}
