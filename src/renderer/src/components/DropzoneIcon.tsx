import { ThemeIcon } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { IconPhoto, IconUpload, IconX } from './icons';

/** A drop zone's icon in its three states: accepting, rejecting, idle. */
export function DropzoneIcon({ size = 40, iconSize = 20 }: { size?: number; iconSize?: number }) {
  return (
    <>
      <Dropzone.Accept>
        <ThemeIcon size={size} variant="light" radius="xl">
          <IconUpload size={iconSize} />
        </ThemeIcon>
      </Dropzone.Accept>
      <Dropzone.Reject>
        <ThemeIcon size={size} variant="light" color="red" radius="xl">
          <IconX size={iconSize} />
        </ThemeIcon>
      </Dropzone.Reject>
      <Dropzone.Idle>
        <ThemeIcon size={size} variant="light" color="gray" radius="xl">
          <IconPhoto size={iconSize} />
        </ThemeIcon>
      </Dropzone.Idle>
    </>
  );
}
