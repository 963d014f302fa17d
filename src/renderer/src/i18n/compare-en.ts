/** English strings of the Watchlist page's Compare photos tab (merged into en.ts as `compare`). */
const compareEn = {
  tab: 'Compare photos',
  intro:
    'Are two photos of the same person? Put one photo in each slot: the largest face of each is compared, whether or not anyone is on the watchlist.',
  slot: 'Photo {{slot}}',
  dropTitle: 'Drop photo {{slot}}',
  dropHint: 'or click to choose a file',
  dropLabel: 'Photo {{slot}}: drop a photo or press Enter to choose',
  dropLabelAnother: 'Photo {{slot}}: drop another photo or press Enter to choose',
  dropAnother: 'Drop another photo, or click to choose',
  dropAccept: 'Drop to use this photo',
  dropReject: 'Only one image file',
  swap: 'Swap A and B',
  clear: 'Clear',
  comparing: 'Comparing the largest face of each photo…',
  waitingBoth: 'Add a photo to each slot to compare them.',
  waitingOne: 'Add photo {{slot}} to compare.',
  noPreview: 'This window cannot show {{file}}; it is compared all the same.',
  noPreviewRefused: 'This window cannot show {{file}}, and it could not be compared: see below.',
  faceTitle: 'Largest face of photo {{slot}}',
  largestOf: 'Largest of {{count}} faces: only the one boxed is compared.',
  faceSize: '{{size}} px',
  resultTitle: 'Result',
  headlines: {
    match: 'Likely the same person',
    possible: 'Possibly the same person',
    no_match: 'No evidence they are the same person',
  },
  advice: {
    match: 'A match is strong evidence, not proof: look at both faces before acting on it.',
    possible: 'The faces look alike, but not enough for a match: have a person look closer.',
    no_match:
      'This does not prove they are different people: pose, age, light or a poor photo can hide a likeness.',
  },
  score: 'Score',
  cosine: 'Cosine similarity',
  thresholdsNote: 'Thresholds are set in Settings.',
  largestOnly: 'Only the largest face of each photo is compared; any other faces in them are not.',
  caveats: {
    too_small:
      'The face in photo {{slot}} is {{size}} px, under {{minimum}}: too small for a reliable verdict.',
    no_descriptor: 'No landmarks were found on a face: the verdict is not reliable.',
  },
  staleThresholds:
    'This pair was judged at match ≥ {{match}}, possible ≥ {{possible}}; Settings now has match ≥ {{nowMatch}}, possible ≥ {{nowPossible}}.',
  compareAgain: 'Compare again',
  samePhoto: 'The same photo is in both slots (identical files): a score of 1.00 says nothing.',
  errorOnSlot: 'Not compared: see photo {{slot}}.',
};

export default compareEn;
export type CompareTranslation = typeof compareEn;
