/**
 * Known PHP gadget classes (phpggc chain families and classic POP chains).
 * PHP resolves class names case-insensitively and ignores a leading
 * backslash, so names are compared after `normalizePhpClass`. An entry
 * ending in `\` is a namespace prefix; `_` entries ending in `_` are PEAR-style
 * prefixes (`Swift_`).
 */

/** [family, names or prefixes]; names are written as PHP spells them. */
const GADGETS: readonly (readonly [string, readonly string[]])[] = [
  ['Monolog', ['Monolog\\Handler\\', 'Monolog\\Formatter\\']],
  ['Guzzle', [
    'GuzzleHttp\\Cookie\\FileCookieJar', 'GuzzleHttp\\Cookie\\SetCookie', 'GuzzleHttp\\Psr7\\FnStream',
    'GuzzleHttp\\Psr7\\PumpStream', 'GuzzleHttp\\Psr7\\AppendStream', 'GuzzleHttp\\HandlerStack',
    'GuzzleHttp\\Promise\\', 'GuzzleHttp\\Stream\\',
  ]],
  ['Laravel', [
    'Illuminate\\Broadcasting\\PendingBroadcast', 'Illuminate\\Bus\\Dispatcher', 'Illuminate\\Events\\Dispatcher',
    'Illuminate\\Validation\\Validator', 'Illuminate\\Foundation\\Testing\\PendingCommand',
    'Illuminate\\Notifications\\ChannelManager', 'Illuminate\\Queue\\', 'Illuminate\\Support\\MessageBag',
    'Illuminate\\Auth\\RequestGuard', 'Illuminate\\Routing\\PendingResourceRegistration',
    'Illuminate\\View\\InvokableComponentVariable', 'Illuminate\\Redis\\', 'Illuminate\\Database\\DatabaseManager',
    'Illuminate\\Support\\Manager', 'Illuminate\\Support\\Fluent', 'Illuminate\\Pipeline\\',
  ]],
  ['Symfony', [
    'Symfony\\Component\\Process\\', 'Symfony\\Component\\Cache\\', 'Symfony\\Component\\Routing\\Loader\\',
    'Symfony\\Component\\Validator\\', 'Symfony\\Component\\Console\\', 'Symfony\\Component\\HttpKernel\\',
    'Symfony\\Component\\DependencyInjection\\', 'Symfony\\Component\\Finder\\', 'Symfony\\Component\\Mime\\',
    'Symfony\\Component\\Messenger\\', 'Symfony\\Component\\BrowserKit\\', 'Symfony\\Component\\Yaml\\',
    'Symfony\\Component\\Templating\\', 'Symfony\\Bridge\\',
  ]],
  ['Yii', ['yii\\db\\', 'yii\\rest\\', 'yii\\caching\\', 'yii\\base\\', 'yii\\web\\', 'yii\\redis\\', 'yii\\log\\']],
  ['Codeception', ['Codeception\\Extension\\RunProcess', 'Codeception\\']],
  ['Faker', ['Faker\\Generator', 'Faker\\ValidGenerator', 'Faker\\DefaultGenerator', 'Faker\\UniqueGenerator']],
  ['Doctrine', [
    'Doctrine\\Common\\Cache\\', 'Doctrine\\Persistence\\', 'Doctrine\\ORM\\', 'Doctrine\\DBAL\\',
    'Doctrine\\Common\\Collections\\',
  ]],
  ['SwiftMailer', ['Swift_']],
  ['WordPress', [
    'Requests_Utility_FilteredIterator', 'Requests_Hooks', 'Requests_Session', 'Requests_Auth_Basic',
    'WpOrg\\Requests\\', 'WP_Theme', 'WP_Block_List', 'WP_HTML_Token', 'WP_Block_Type_Registry',
    'WP_Block_Patterns_Registry', 'WP_Hook', 'WP_Object_Cache',
  ]],
  ['Drupal', ['Drupal\\', 'SchemaCache', 'DrupalCacheArray', 'DatabaseConnection']],
  ['Zend/Laminas', ['Zend_', 'Zend\\', 'Laminas\\']],
  ['Magento', ['Magento\\', 'Mage_', 'Varien_', 'Credis_Client']],
  ['CodeIgniter', ['CodeIgniter\\']],
  ['CakePHP', ['Cake\\']],
  ['ThinkPHP', ['think\\']],
  ['Slim', ['Slim\\']],
  ['Smarty', ['Smarty_Internal_Template', 'Smarty_Internal_']],
  ['PHPUnit/Mockery', ['PHPUnit\\', 'PHPUnit_', 'Mockery\\']],
  ['Phalcon', ['Phalcon\\']],
  ['TYPO3', ['TYPO3\\']],
  ['Joomla', ['JDatabaseDriverMysqli', 'JDatabaseDriver', 'SimplePie', 'Joomla\\']],
  ['vBulletin', ['vB_']],
  ['PrestaShop', ['PrestaShop\\', 'PrestaShopBundle\\']],
  ['Horde', ['Horde_']],
  ['PHPExcel', ['PHPExcel_']],
  ['TCPDF/Dompdf', ['TCPDF', 'Dompdf\\']],
  ['Pydio', ['Pydio\\']],
  ['Spiral', ['Spiral\\']],
  ['Bitrix', ['Bitrix\\']],
  ['Psy', ['Psy\\']],
  ['League', ['League\\Flysystem\\']],
  ['PHP core', ['SplFileObject', 'SimpleXMLElement', 'PDO', 'Imagick', 'DirectoryIterator', 'GlobIterator']],
];

interface Entry {
  readonly family: string;
  readonly name: string;
}

const exact = new Map<string, Entry>();
const prefixes: { readonly prefix: string; readonly entry: Entry }[] = [];

for (const [family, names] of GADGETS) {
  for (const name of names) {
    const key = normalizePhpClass(name);
    const entry = { family, name };
    if (key.endsWith('\\') || key.endsWith('_')) prefixes.push({ prefix: key, entry });
    else exact.set(key, entry);
  }
}

/** Lower-cases ASCII and drops leading backslashes, as PHP's class lookup does. */
export function normalizePhpClass(name: string): string {
  let i = 0;
  while (i < name.length && name.charCodeAt(i) === 0x5c) i++;
  return name.slice(i).toLowerCase();
}

/** The gadget family a class belongs to, or undefined. `name` may be raw (not normalized). */
export function phpGadgetFamily(name: string): string | undefined {
  const key = normalizePhpClass(name);
  const hit = exact.get(key);
  if (hit !== undefined) return hit.family;
  for (const { prefix, entry } of prefixes) {
    if (key.startsWith(prefix)) return entry.family;
  }
  return undefined;
}
