import { nameOfKey } from '../store/media';
import type { Store } from '../store/store';
import { eraseSeenFaces, seenCropKey } from './analyse';
import type { Matcher } from './matcher';

export interface PhotoDataDeps {
  store: Store;
  matcher: Matcher;
}

export interface Released {
  /** Photos whose preview and thumbnail were deleted. */
  photos: number;
  /** Seen faces deleted (descriptor zeroed, crop deleted, out of search). */
  faces: number;
  /** Stray crops and source photos that nothing named (a deletion cut short by a crash). */
  files: number;
}

/**
 * What Vigil keeps of a photo it looked at (a preview, a thumbnail, and each face as a "seen"
 * face: descriptor and crop) lives only while a history record mentions the photo. An enrolled
 * face also keeps its photo's preview, not its seen faces. So deleting the last job of a photo,
 * by hand or by retention, or the last enrolled face from it, deletes what was kept of it.
 */
export function releasePhotos(deps: PhotoDataDeps, photos: Iterable<string>): Promise<Released> {
  const candidates = new Set(photos);
  return deps.store.exclusive(() => releaseNow(deps, candidates));
}

/**
 * The same rule over everything in the data dir, at start: data of photos whose jobs were
 * deleted before this rule existed, and files left by a crash between two steps of a deletion.
 */
export function sweepPhotoData(deps: PhotoDataDeps): Promise<Released> {
  const { store } = deps;
  return store.exclusive(async () => {
    const photos = new Set([...store.faces.values()].map((f) => f.photoSha256));
    for (const key of [...(await store.media.keys('previews')), ...(await store.media.keys('thumbs'))])
      photos.add(nameOfKey(key));
    const released = await releaseNow(deps, photos);

    const named = new Set([...store.faces.values()].map((f) => seenCropKey(f.id)));
    for (const s of store.watchlist.data.subjects)
      for (const f of s.faces) named.add(f.cropKey).add(f.previewKey).add(f.sourceKey);
    for (const key of [...(await store.media.keys('crops')), ...(await store.media.keys('sources'))]) {
      if (named.has(key)) continue;
      await store.media.remove(key);
      released.files++;
    }
    return released;
  });
}

async function releaseNow(deps: PhotoDataDeps, candidates: Set<string>): Promise<Released> {
  const { store } = deps;
  const unmentioned = new Set([...candidates].filter((p) => !store.history.mentions(p)));
  // The list first: a crash after it leaves only bytes nothing points at (the sweep's job).
  const gone = await store.faces.removePhotos(unmentioned);
  await eraseSeenFaces(store, gone, (ids) => ids.forEach((id) => deps.matcher.removeSeen(id)));
  const enrolled = new Set(store.watchlist.data.subjects.flatMap((s) => s.faces.map((f) => f.sourceSha256)));
  let photos = 0;
  for (const p of unmentioned) {
    if (enrolled.has(p)) continue;
    const keys = [`previews/${p}.jpg`, `thumbs/${p}.jpg`];
    if ((await Promise.all(keys.map((k) => store.media.has(k)))).some(Boolean)) photos++;
    for (const k of keys) await store.media.remove(k);
  }
  return { photos, faces: gone.length, files: 0 };
}
