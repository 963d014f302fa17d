import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/test-translator';
import type { ErrorShape } from '../../../shared/errors';
import { errorText } from './error-text';

describe('errorText', () => {
  it('words the common file errors in the UI language from their details', async () => {
    const pt = await translator('pt-BR');
    const notImage = {
      code: 'NOT_AN_IMAGE' as const,
      message: 'notes.jpg is not an image Vigil can read',
      details: { file: '/home/ana/fotos/notes.jpg', reason: 'unsupported image format' },
    };
    expect(errorText(notImage, pt, 'pt-BR')).toBe('notes.jpg não é uma imagem que o Vigil consiga ler.');
    expect(
      errorText(
        {
          code: 'IMAGE_TOO_LARGE',
          message: 'x',
          details: { file: 'C:\\fotos\\big.png', limit: 200_000_000 },
        },
        pt,
        'pt-BR',
      ),
    ).toBe('big.png tem mais de 200.000.000 pixels.');
    expect(
      errorText(
        { code: 'OUTPUT_DIR_INVALID', message: 'x', details: { dir: 'relativo', reason: 'relative' } },
        pt,
        'pt-BR',
      ),
    ).toBe('A pasta de saída deve ser um caminho completo, não relativo.');
    const en = await translator('en');
    expect(errorText({ code: 'NO_FACE', message: 'x', details: { file: '/a/b.jpg' } }, en, 'en')).toBe(
      'No face found in b.jpg.',
    );
    // A folder that takes no copies: why, in the UI's words, naming the folder at fault.
    const notWritable = (reason: string) => ({
      code: 'OUTPUT_NOT_WRITABLE' as const,
      message: 'English',
      details: { dir: '/mnt/ro/out', reason, at: '/mnt/ro', path: '/mnt/ro/out' },
    });
    expect(errorText(notWritable('EROFS'), pt, 'pt-BR')).toBe(
      'Não é possível gravar na pasta de saída /mnt/ro/out: /mnt/ro é somente leitura (EROFS).',
    );
    expect(errorText(notWritable('EACCES'), en, 'en')).toBe(
      'Cannot write into the output folder /mnt/ro/out: no permission to write in /mnt/ro (EACCES).',
    );
    // An errno without words of its own keeps the core's message.
    expect(errorText(notWritable('EIO'), pt, 'pt-BR')).toBe('English');
    // A path typed for the machine running Vigil (a backup, a model folder): named whole.
    const missing = {
      code: 'FILE_NOT_FOUND' as const,
      message: 'Cannot read /mnt/usb/vigil.tar.gz: ENOENT',
      details: { file: '/mnt/usb/vigil.tar.gz' },
    };
    expect(errorText(missing, pt, 'pt-BR')).toBe(
      '/mnt/usb/vigil.tar.gz não foi encontrado ou não pode ser aberto: confira o caminho.',
    );
    expect(errorText({ ...missing, code: 'FILE_NOT_READABLE' }, en, 'en')).toBe(
      'Vigil has no permission to read /mnt/usb/vigil.tar.gz.',
    );
    // Without the file named (a read in the page failed), the message as given.
    expect(errorText({ code: 'FILE_NOT_FOUND', message: 'Não foi possível ler' }, pt, 'pt-BR')).toBe(
      'Não foi possível ler',
    );
  });

  it('words why a file is not an image where the core says (details.kind), in both languages', async () => {
    const en = await translator('en');
    const pt = await translator('pt-BR');
    const notImage = (kind: string | undefined, message: string) => ({
      code: 'NOT_AN_IMAGE' as const,
      message,
      details: { file: '/home/ana/fotos/IMG_0001.HEIC', reason: 'bad seek', ...(kind ? { kind } : {}) },
    });
    const heic = notImage(
      'heic',
      'IMG_0001.HEIC is an HEIC photo (HEVC), which Vigil cannot decode: save it as JPEG or PNG first',
    );
    expect(errorText(heic, en, 'en')).toBe(
      'IMG_0001.HEIC is an HEIC photo, which Vigil cannot read: save it as JPEG or PNG first.',
    );
    expect(errorText(heic, pt, 'pt-BR')).toBe(
      'IMG_0001.HEIC é uma foto HEIC, que o Vigil não consegue ler: salve-a como JPEG ou PNG primeiro.',
    );
    const bmp = {
      ...notImage('bmp', 'x'),
      details: { file: 'C:\\scans\\scan.bmp', reason: 'x', kind: 'bmp' },
    };
    expect(errorText(bmp, en, 'en')).toBe(
      'scan.bmp is a BMP image, which Vigil cannot read: save it as JPEG or PNG first.',
    );
    expect(errorText(bmp, pt, 'pt-BR')).toBe(
      'scan.bmp é uma imagem BMP, que o Vigil não consegue ler: salve-a como JPEG ou PNG primeiro.',
    );
    const empty = {
      code: 'NOT_AN_IMAGE' as const,
      message: 'x',
      details: { file: '/a/empty.png', kind: 'empty' },
    };
    expect(errorText(empty, en, 'en')).toBe('empty.png is empty (0 bytes).');
    expect(errorText(empty, pt, 'pt-BR')).toBe('empty.png está vazio (0 bytes).');
    // No kind, or one this UI does not know: the general sentence.
    expect(errorText(notImage(undefined, 'x'), en, 'en')).toBe(
      'IMG_0001.HEIC is not an image Vigil can read.',
    );
    expect(errorText(notImage('jxl', 'x'), pt, 'pt-BR')).toBe(
      'IMG_0001.HEIC não é uma imagem que o Vigil consiga ler.',
    );
  });

  it('words a job interrupted by a stop in the UI language, not the English the history stores', async () => {
    const shape = {
      code: 'INTERRUPTED' as const,
      message: 'Interrupted: Vigil stopped before this job finished',
    };
    expect(errorText(shape, await translator('pt-BR'), 'pt-BR')).toBe(
      'O Vigil parou antes que esta tarefa terminasse.',
    );
    expect(errorText(shape, await translator('en'), 'en')).toBe('Vigil stopped before this job finished.');
    // A second Ctrl+C records the jobs in progress as cancelled, in the CLI's English.
    const stopped = { code: 'CANCELLED' as const, message: 'Cancelled: stopped at once (a second Ctrl+C)' };
    expect(errorText(stopped, await translator('pt-BR'), 'pt-BR')).toBe(
      'Cancelada antes que esta tarefa terminasse.',
    );
  });

  it("keeps the core's message when the details lack what the sentence names, and for other codes", async () => {
    const pt = await translator('pt-BR');
    expect(errorText({ code: 'NOT_AN_IMAGE', message: 'x.jpg is empty' }, pt, 'pt-BR')).toBe(
      'x.jpg is empty',
    );
    expect(errorText({ code: 'DUPLICATE', message: 'already enrolled' }, pt, 'pt-BR')).toBe(
      'already enrolled',
    );
  });

  it('words a subject deleted while its photos waited to be checked, other NOT_FOUNDs as the core', async () => {
    const gone = {
      code: 'NOT_FOUND' as const,
      message: 'No subject s1 on the watchlist',
      details: { subjectId: 's1', subjectName: 'Ana Lima' },
    };
    expect(errorText(gone, await translator('en'), 'en')).toBe(
      'Ana Lima is no longer on the watchlist: the subject was deleted after the photo was added.',
    );
    expect(errorText(gone, await translator('pt-BR'), 'pt-BR')).toBe(
      'Ana Lima não está mais na lista de procurados: a pessoa foi excluída depois que a foto foi adicionada.',
    );
    expect(errorText({ ...gone, details: { subjectId: 's1' } }, await translator('en'), 'en')).toBe(
      'The subject looked for is no longer on the watchlist.',
    );
    expect(
      errorText({ code: 'NOT_FOUND', message: 'No model called X' }, await translator('pt-BR'), 'pt-BR'),
    ).toBe('No model called X');
  });

  it('words what is wrong with a backup from its details, in both languages', async () => {
    const pt = await translator('pt-BR');
    const en = await translator('en');
    const broken = {
      code: 'STORE_CORRUPT' as const,
      message: 'b.tar.gz holds a data folder Vigil cannot open: watchlist.json is not valid JSON',
      details: { backup: 'b.tar.gz', problem: 'store', path: 'watchlist.json' },
    };
    expect(errorText(broken, pt, 'pt-BR')).toBe(
      'b.tar.gz contém uma pasta de dados que o Vigil não consegue abrir: watchlist.json está danificado.',
    );
    expect(errorText({ ...broken, details: { backup: 'b.tar.gz', problem: 'store' } }, en, 'en')).toBe(
      'b.tar.gz holds a data folder Vigil cannot open.',
    );
    const newer = {
      code: 'STORE_VERSION' as const,
      message: 'x',
      details: { backup: 'n.tar.gz', problem: 'newer', version: 1200 },
    };
    expect(errorText(newer, pt, 'pt-BR')).toBe(
      'n.tar.gz foi feito por um Vigil mais novo (formato de backup 1.200): atualize o Vigil para restaurá-lo.',
    );
    expect(
      errorText(
        { code: 'BAD_INPUT', message: 'x', details: { backup: 'e.tar.gz', problem: 'empty' } },
        en,
        'en',
      ),
    ).toBe('e.tar.gz is empty (0 bytes): it is not a Vigil backup.');
    // A problem this UI does not know keeps the core's message.
    expect(
      errorText(
        { code: 'BAD_INPUT', message: 'as the core says', details: { backup: 'x', problem: 'later' } },
        pt,
        'pt-BR',
      ),
    ).toBe('as the core says');
  });

  it('words backup, restore and data-folder refusals from details.reason, else keeps the core message', async () => {
    const en = await translator('en');
    const pt = await translator('pt-BR');
    const say = (code: ErrorShape['code'], details: Record<string, unknown>) => ({
      en: errorText({ code, message: 'as the core says', details }, en, 'en'),
      pt: errorText({ code, message: 'as the core says', details }, pt, 'pt-BR'),
    });
    expect(say('BAD_INPUT', { file: 'backup.tar.gz', reason: 'relative' })).toEqual({
      en: 'Give the full path, not “backup.tar.gz”.',
      pt: 'Informe o caminho completo, não “backup.tar.gz”.',
    });
    expect(say('BAD_INPUT', { dir: 'dados', reason: 'relative' }).pt).toBe(
      'Informe o caminho completo, não “dados”.',
    );
    expect(say('TARGET_NOT_EMPTY', { file: '/tmp', reason: 'exists' })).toEqual({
      en: '/tmp already exists; choose a new file name.',
      pt: '/tmp já existe; escolha um novo nome de arquivo.',
    });
    expect(say('TARGET_NOT_EMPTY', { dir: '/d/x', reason: 'file' })).toEqual({
      en: '/d/x is a file, not an empty folder.',
      pt: '/d/x é um arquivo, não uma pasta vazia.',
    });
    expect(say('TARGET_NOT_EMPTY', { dir: '/d/x', reason: 'not-empty' })).toEqual({
      en: '/d/x is not empty: choose a new or empty folder.',
      pt: '/d/x não está vazia: escolha uma pasta nova ou vazia.',
    });
    expect(say('TARGET_INSIDE_DATA', { file: '/data/b.tar.gz', dataDir: '/data', reason: 'inside' })).toEqual(
      {
        en: '/data/b.tar.gz is inside the data folder /data; choose a place outside it.',
        pt: '/data/b.tar.gz fica dentro da pasta de dados /data; escolha um local fora dela.',
      },
    );
    expect(say('TARGET_INSIDE_DATA', { dir: '/data/new', dataDir: '/data', reason: 'inside' }).en).toBe(
      '/data/new is inside the data folder /data; choose a place outside it.',
    );
    expect(say('TARGET_NOT_WRITABLE', { file: '/m/b.tar.gz', errno: 'EACCES', reason: 'write' })).toEqual({
      en: 'Cannot write /m/b.tar.gz (EACCES).',
      pt: 'Não é possível gravar /m/b.tar.gz (EACCES).',
    });
    expect(say('TARGET_NOT_WRITABLE', { file: '/c/config.json', errno: 'EROFS', reason: 'config' })).toEqual({
      en: 'Cannot record the new data folder in /c/config.json (EROFS); nothing was moved.',
      pt: 'Não é possível registrar a nova pasta de dados em /c/config.json (EROFS); nada foi movido.',
    });
    expect(
      say('TARGET_NOT_WRITABLE', { file: 'b.tar.gz', dir: '/d.restore', errno: 'ENOSPC', reason: 'unpack' }),
    ).toEqual({
      en: 'Cannot unpack b.tar.gz into /d.restore (ENOSPC).',
      pt: 'Não é possível descompactar b.tar.gz em /d.restore (ENOSPC).',
    });
    expect(
      say('TARGET_NOT_WRITABLE', {
        dir: '/mnt/ro/new',
        errno: 'EROFS',
        reason: 'not-writable',
        at: '/mnt/ro',
      }),
    ).toEqual({
      en: '/mnt/ro/new cannot be written: /mnt/ro is read-only (EROFS).',
      pt: 'Não é possível gravar em /mnt/ro/new: /mnt/ro é somente leitura (EROFS).',
    });
    expect(say('TARGET_NOT_WRITABLE', { dir: '/d', errno: 'EACCES', reason: 'unusable', at: '/' })).toEqual({
      en: 'The data folder /d cannot be used: no permission to write in / (EACCES).',
      pt: 'A pasta de dados /d não pode ser usada: sem permissão para gravar em / (EACCES).',
    });
    expect(
      say('TARGET_NOT_WRITABLE', { dir: '/usb', free: 1_500_000, needed: 2_500_000_000, reason: 'no-room' }),
    ).toEqual({
      en: '/usb has 1.5 MB free; the data needs 2.5 GB.',
      pt: '/usb tem 1,5 MB livres; os dados precisam de 2,5 GB.',
    });
    // Unknown reasons, an errno the UI cannot word, or details missing: the core's own words.
    expect(say('TARGET_NOT_EMPTY', { file: '/tmp', reason: 'something-new' }).pt).toBe('as the core says');
    expect(say('TARGET_NOT_EMPTY', { file: '/tmp', reason: 'toString' }).pt).toBe('as the core says');
    expect(say('TARGET_NOT_EMPTY', { file: '/tmp' }).pt).toBe('as the core says');
    expect(say('TARGET_NOT_WRITABLE', { file: '/m/b', reason: 'EACCES' }).pt).toBe('as the core says');
    expect(say('TARGET_NOT_WRITABLE', { dir: '/d', errno: 'EIO', reason: 'not-writable' }).pt).toBe(
      'as the core says',
    );
    expect(say('BAD_INPUT', { file: 'x', reason: 'other' }).pt).toBe('as the core says');
    expect(say('TARGET_INSIDE_DATA', { file: '/data/b', reason: 'inside' }).pt).toBe('as the core says');
  });

  it('words why a folder is not a usable model from details.kind, else keeps the core message', async () => {
    const en = await translator('en');
    const pt = await translator('pt-BR');
    const say = (details: Record<string, unknown>) => ({
      en: errorText({ code: 'MODEL_INVALID', message: 'as the core says', details }, en, 'en'),
      pt: errorText({ code: 'MODEL_INVALID', message: 'as the core says', details }, pt, 'pt-BR'),
    });
    const dir = '/home/ana/modelos/gatos';
    expect(say({ dir, kind: 'no-model-json', reason: 'there is no model.json in it' })).toEqual({
      en: 'gatos is not a usable model: there is no model.json in it.',
      pt: 'gatos não é um modelo utilizável: não há um model.json nela.',
    });
    expect(say({ dir, kind: 'not-folder', reason: 'x' }).pt).toBe(
      'gatos não é uma pasta: escolha a pasta que contém o model.json.',
    );
    expect(say({ dir, kind: 'weight-missing', file: 'group1-shard1of1.bin', reason: 'x' })).toEqual({
      en: 'gatos is not a usable model: the weight file group1-shard1of1.bin named in model.json is missing.',
      pt: 'gatos não é um modelo utilizável: falta o arquivo de pesos group1-shard1of1.bin citado no model.json.',
    });
    expect(say({ dir, kind: 'too-large', bytes: 2_000_000_000, limit: 1_073_741_824, reason: 'x' }).pt).toBe(
      'gatos não é um modelo utilizável: ele tem 2 GB; o limite é 1,1 GB.',
    );
    const count = (labels: number) =>
      say({ dir, kind: 'label-count', outputs: 3, labels, file: 'labels.txt', reason: 'x' });
    expect(count(1)).toEqual({
      en: 'gatos is not a usable model: it gives 3 scores but labels.txt has 1 label.',
      pt: 'gatos não é um modelo utilizável: ele dá 3 pontuações, mas labels.txt tem 1 rótulo.',
    });
    expect(count(2000).en).toBe(
      'gatos is not a usable model: it gives 3 scores but labels.txt has 2,000 labels.',
    );
    expect(count(2000).pt).toBe(
      'gatos não é um modelo utilizável: ele dá 3 pontuações, mas labels.txt tem 2.000 rótulos.',
    );
    // A kind the UI does not word, none, or one missing what it names: the core's own words.
    expect(say({ dir, kind: 'input-size', reason: 'x' }).pt).toBe('as the core says');
    expect(say({ dir, kind: 'not-loadable', reason: 'x' }).pt).toBe('as the core says');
    expect(say({ dir, reason: 'there is no model.json in it' }).pt).toBe('as the core says');
    expect(say({ dir, kind: 'weight-missing', reason: 'x' }).pt).toBe('as the core says');
  });
});
