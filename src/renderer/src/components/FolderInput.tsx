import type { InputHTMLAttributes, Ref } from 'react';

// Not in React's input typings, but Chromium (and so Electron) honours it.
const folderPicker = { webkitdirectory: '' } as InputHTMLAttributes<HTMLInputElement>;

/**
 * A hidden folder picker. It lives outside the drop zone so that each drop zone holds exactly
 * one file input; open it with `ref.current?.click()`.
 */
export function FolderInput({
  ref,
  testId,
  onFiles,
}: {
  ref: Ref<HTMLInputElement>;
  testId: string;
  onFiles: (files: File[]) => void;
}) {
  return (
    <input
      ref={ref}
      {...folderPicker}
      type="file"
      multiple
      hidden
      data-testid={testId}
      onChange={(event) => {
        const files = Array.from(event.currentTarget.files ?? []);
        event.currentTarget.value = '';
        // An empty folder comes as no files (a cancelled dialog fires no change): still said, so
        // the page can tell that nothing in it was a photo.
        onFiles(files);
      }}
    />
  );
}
