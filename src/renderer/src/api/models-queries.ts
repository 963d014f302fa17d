import { useQuery } from '@tanstack/react-query';
import { useVigil } from './ClientProvider';

/** Built-in and imported models; invalidate after an import, a removal or a default change. */
export const modelsKey = ['models'] as const;

export function useModels() {
  const { client } = useVigil();
  return useQuery({
    queryKey: modelsKey,
    queryFn: () => client.invoke('models.list', {}),
  });
}
