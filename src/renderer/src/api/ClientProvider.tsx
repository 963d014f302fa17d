import { createContext, useContext, useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRendererClient, type RendererClient } from './transport';
import { connectionCaches } from './connection';
import { hasCode } from './errors';

const ClientContext = createContext<RendererClient | null>(null);

function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    ...connectionCaches(() => client),
    defaultOptions: {
      queries: {
        // A missing token will not fix itself by retrying.
        retry: (failures, err) => failures < 1 && !hasCode(err, 'UNAUTHORIZED'),
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
    },
  });
  return client;
}

/** Provides the Vigil client (IPC in the desktop window, HTTP in a browser) and TanStack Query. */
export function ClientProvider({ children, value }: { children: ReactNode; value?: RendererClient }) {
  const [client] = useState<RendererClient>(() => value ?? createRendererClient());
  const [queryClient] = useState(createQueryClient);
  return (
    <ClientContext.Provider value={client}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </ClientContext.Provider>
  );
}

export function useVigil(): RendererClient {
  const value = useContext(ClientContext);
  if (!value) throw new Error('useVigil must be used inside <ClientProvider>');
  return value;
}
