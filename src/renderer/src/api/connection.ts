import { MutationCache, QueryCache, type Query, type QueryClient } from '@tanstack/react-query';
import { hasCode } from './errors';

export const HEALTH_KEY = ['app.health'] as const;

type AnyQuery = Query<unknown, unknown, unknown, readonly unknown[]>;

const isHealth = (query: AnyQuery) => query.queryKey[0] === HEALTH_KEY[0];

/**
 * Query and mutation caches that notice the core going away and coming back. Any call that gets
 * no answer asks the header's health check again at once (it polls every 30 s otherwise), and
 * the first healthy answer after that refetches whatever failed meanwhile, so stale "not
 * answering" notices clear themselves.
 */
export function connectionCaches(getClient: () => QueryClient): {
  queryCache: QueryCache;
  mutationCache: MutationCache;
} {
  let lost = false;
  const onError = (err: unknown, query?: AnyQuery) => {
    if (!hasCode(err, 'CORE_UNREACHABLE')) return;
    const first = !lost;
    lost = true;
    if (first && !(query && isHealth(query))) void getClient().invalidateQueries({ queryKey: HEALTH_KEY });
  };
  return {
    queryCache: new QueryCache({
      onError,
      onSuccess: (_data, query) => {
        if (!lost || !isHealth(query)) return;
        lost = false;
        void getClient().refetchQueries({ predicate: (q) => q.state.status === 'error' });
      },
    }),
    mutationCache: new MutationCache({ onError: (err) => onError(err) }),
  };
}
