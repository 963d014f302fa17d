import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/test-translator';
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
});
