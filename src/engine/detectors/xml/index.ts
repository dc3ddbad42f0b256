/**
 * XML detectors: XXE / hostile-XML structure (`xxeDetector`) and non-ASCII
 * encodings of XML layers (`xmlEncodingDetector`), with their rule table.
 */
export { XXE_TRIGGERS, analyzeXmlLayer } from './analyze.js';
export { type DoctypeScan, scanDoctype } from './doctype-scan.js';
export { DEFAULT_DTD_LIMITS, type DtdLimits, type DtdScan, type EntityDecl, scanDtd } from './dtd-scan.js';
export {
  XML_ENCODING_TRIGGERS,
  createXmlEncodingDetector,
  type XmlEncodingOptions,
  xmlEncodingDetector,
} from './encoding-detector.js';
export { isWellKnownDtd } from './public-dtds.js';
export { DEFAULT_XXE_LIMITS, XML_RULES, type XmlRule, type XxeLimits } from './rules.js';
export { createXxeDetector, xxeDetector } from './xxe-detector.js';
