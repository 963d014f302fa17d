import type { CompareTranslation } from './compare-en';

/** Textos da aba Comparar fotos da página Procurados em português do Brasil (em pt-BR.ts como `compare`). */
const comparePtBR: CompareTranslation = {
  tab: 'Comparar fotos',
  intro:
    'Duas fotos são da mesma pessoa? Coloque uma foto em cada espaço: o maior rosto de cada uma é comparado, esteja ou não alguém na lista de procurados.',
  slot: 'Foto {{slot}}',
  dropTitle: 'Solte a foto {{slot}}',
  dropHint: 'ou clique para escolher um arquivo',
  dropLabel: 'Foto {{slot}}: solte uma foto ou pressione Enter para escolher',
  dropLabelAnother: 'Foto {{slot}}: solte outra foto ou pressione Enter para escolher',
  dropAnother: 'Solte outra foto, ou clique para escolher',
  dropAccept: 'Solte para usar esta foto',
  dropReject: 'Apenas um arquivo de imagem',
  swap: 'Trocar A e B',
  clear: 'Limpar',
  comparing: 'Comparando o maior rosto de cada foto…',
  waitingBoth: 'Coloque uma foto em cada espaço para compará-las.',
  waitingOne: 'Coloque a foto {{slot}} para comparar.',
  noPreview: 'Esta janela não consegue mostrar {{file}}; ela é comparada mesmo assim.',
  noPreviewRefused: 'Esta janela não consegue mostrar {{file}}, e ela não pôde ser comparada: veja abaixo.',
  faceTitle: 'Maior rosto da foto {{slot}}',
  largestOf: 'O maior de {{count}} rostos: só o marcado é comparado.',
  faceSize: '{{size}} px',
  resultTitle: 'Resultado',
  headlines: {
    match: 'Provavelmente a mesma pessoa',
    possible: 'Possivelmente a mesma pessoa',
    no_match: 'Nada indica que seja a mesma pessoa',
  },
  advice: {
    match: 'Uma correspondência é um indício forte, não uma prova: olhe os dois rostos antes de agir.',
    possible:
      'Os rostos se parecem, mas não o bastante para uma correspondência: peça que alguém olhe com atenção.',
    no_match:
      'Isso não prova que sejam pessoas diferentes: pose, idade, luz ou uma foto ruim podem esconder a semelhança.',
  },
  score: 'Pontuação',
  cosine: 'Similaridade de cosseno',
  thresholdsNote: 'Os limiares são definidos em Configurações.',
  largestOnly: 'Só o maior rosto de cada foto é comparado; os demais rostos nelas não são.',
  caveats: {
    too_small:
      'O rosto da foto {{slot}} tem {{size}} px, abaixo de {{minimum}}: pequeno demais para um veredito confiável.',
    no_descriptor: 'Nenhum ponto de referência foi encontrado em um rosto: o veredito não é confiável.',
  },
  staleThresholds:
    'Este par foi julgado com correspondência ≥ {{match}}, possível ≥ {{possible}}; as Configurações agora têm correspondência ≥ {{nowMatch}}, possível ≥ {{nowPossible}}.',
  compareAgain: 'Comparar de novo',
  samePhoto: 'A mesma foto está nos dois espaços (arquivos idênticos): uma pontuação de 1,00 não diz nada.',
  errorOnSlot: 'Não comparadas: veja a foto {{slot}}.',
};

export default comparePtBR;
