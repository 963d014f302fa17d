import { Dropzone, type DropzoneProps } from '@mantine/dropzone';
import { getFilesFromEvent, IMAGE_ACCEPT } from '../lib/files';

/**
 * Mantine's Dropzone as every photo drop zone of the app uses it: folders dropped are read
 * (getFilesFromEvent; the File System Access API cannot), images only, and named as the button
 * it is — react-dropzone makes the zone focusable yet calls it a presentation.
 */
export function PhotoDropzone({
  label,
  ...props
}: Omit<DropzoneProps, 'getFilesFromEvent' | 'useFsAccessApi' | 'inputProps' | 'role' | 'aria-label'> & {
  /** The zone's accessible name: what it takes and how to open its picker. */
  label: string;
}) {
  return (
    <Dropzone
      getFilesFromEvent={getFilesFromEvent}
      useFsAccessApi={false}
      inputProps={{ accept: IMAGE_ACCEPT }}
      radius="sm"
      role="button"
      aria-label={label}
      {...props}
    />
  );
}
