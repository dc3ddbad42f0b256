/**
 * Ruby classes and modules used by public Marshal/YAML deserialization
 * chains: the RubyGems universal gadgets (2018 Gem::Requirement ->
 * DependencyList -> Source::SpecificFile -> StubSpecification; 2021+
 * Gem::Installer / SpecFetcher / Package::TarReader(::Entry) /
 * RequestSet / Resolver ...), Net::BufferedIO / Net::WriteAdapter, and the
 * Rails session-cookie chain ERB + ActiveSupport::Deprecation proxies. Any
 * RubyGems class is treated as a gadget: none belongs in request data.
 */

const EXACT = new Map<string, string>([
  ['ERB', 'Rails ERB chain'],
  ['ActiveSupport::Deprecation::DeprecatedInstanceVariableProxy', 'Rails ERB chain'],
  ['ActiveSupport::Deprecation::DeprecatedObjectProxy', 'Rails ERB chain'],
  ['ActiveSupport::Deprecation::DeprecatedConstantProxy', 'Rails ERB chain'],
  ['ActiveModel::AttributeMethods::ClassMethods::CodeGenerator', 'Rails'],
  ['ActionView::Template', 'Rails'],
  ['ActionDispatch::Routing::RouteSet::NamedRouteCollection', 'Rails CVE-2013-0156'],
  ['ActionController::Routing::RouteSet::NamedRouteCollection', 'Rails CVE-2013-0156'],
  ['Rack::Response', 'Rack'],
  ['Sequel::Model', 'Sequel'],
  ['Kernel', 'core module'],
  ['Process', 'core module'],
  ['ObjectSpace', 'core module'],
  ['IO', 'core class'],
  ['File', 'core class'],
  ['Open3', 'stdlib'],
  ['PTY', 'stdlib'],
  ['Logger', 'stdlib'],
  ['OpenStruct', 'stdlib'],
  ['Psych::Handler', 'stdlib'],
]);

const PREFIXES: readonly (readonly [string, string])[] = [
  ['Gem::', 'RubyGems universal gadget'],
  ['Net::', 'Net::BufferedIO/WriteAdapter chain'],
  ['ActiveSupport::Deprecation::', 'Rails ERB chain'],
  ['Rake::', 'Rake'],
  ['Bundler::', 'Bundler'],
  ['DRb::', 'dRuby'],
];

/** The chain family a constant path belongs to, or undefined. */
export function rubyGadgetFamily(name: string): string | undefined {
  const hit = EXACT.get(name);
  if (hit !== undefined) return hit;
  for (const [prefix, family] of PREFIXES) {
    if (name.startsWith(prefix)) return family;
  }
  return undefined;
}
