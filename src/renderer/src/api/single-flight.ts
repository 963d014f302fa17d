import {
  useMutation,
  type DefaultError,
  type MutateOptions,
  type UseMutationOptions,
  type UseMutationResult,
} from '@tanstack/react-query';
import { useCallback, useRef } from 'react';

/**
 * `useMutation` whose `mutate` does nothing while a call is in flight. TanStack Query tells the
 * component it is pending a tick later, so a double click on a button that turns "loading" still
 * sent two calls: two subjects created, two backups, two restores.
 */
export function useSingleFlightMutation<TData, TError = DefaultError, TVariables = void>(
  options: UseMutationOptions<TData, TError, TVariables>,
): UseMutationResult<TData, TError, TVariables> {
  const inFlight = useRef(false);
  const result = useMutation<TData, TError, TVariables>({
    ...options,
    // Here rather than in mutate's own callbacks, which are skipped once the component unmounts.
    onSettled: (...args) => {
      inFlight.current = false;
      return options.onSettled?.(...args);
    },
  });
  const { mutate: run } = result;
  const mutate = useCallback(
    (variables: TVariables, callbacks?: MutateOptions<TData, TError, TVariables>) => {
      if (inFlight.current) return;
      inFlight.current = true;
      run(variables, callbacks);
    },
    [run],
  );
  return { ...result, mutate } as UseMutationResult<TData, TError, TVariables>;
}
