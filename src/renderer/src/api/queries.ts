import { useQuery } from '@tanstack/react-query';
import { useVigil } from './ClientProvider';

export const queryKeys = {
  health: ['app.health'] as const,
  engineInfo: ['engine.info'] as const,
};

export function useHealth() {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: () => client.invoke('app.health', {}),
    refetchInterval: 30_000,
  });
}

export function useEngineInfo() {
  const { client } = useVigil();
  return useQuery({
    queryKey: queryKeys.engineInfo,
    queryFn: () => client.invoke('engine.info', {}),
    // While models load, keep the page current without the user pressing refresh.
    refetchInterval: (query) => (query.state.data?.state === 'starting' ? 2_000 : false),
  });
}
