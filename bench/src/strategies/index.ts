import type { StrategyFactory, StrategyName } from './types.ts';

/** Loaded on demand, so a strategy's cold start includes only its own modules. */
export async function loadStrategy(name: StrategyName): Promise<StrategyFactory> {
  switch (name) {
    case 'stdin-8mib':
      return (await import('./stdin-8mib.ts')).stdin8Mib;
    case 'full-download':
      return (await import('./full-download.ts')).fullDownload;
    case 'stream-adaptive':
      return (await import('./stream-adaptive.ts')).streamAdaptive;
    case 'random-access':
      return (await import('./random-access.ts')).randomAccess;
    case 'exifr':
      return (await import('./exifr.ts')).exifrRemote;
  }
}
export { STRATEGY_NAMES } from './types.ts';
export type { StrategyContext, StrategyFactory, StrategyName } from './types.ts';
