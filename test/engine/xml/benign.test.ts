/** Documents that must stay clean (false positives are blocks of real traffic). */
import { describe, expect, it } from 'vitest';
import { bom16le, run } from './harness.js';

const clean = (doc: string | Uint8Array): void => {
  const r = run(doc);
  expect(r.findings).toEqual([]);
};

describe('benign documents', () => {
  it('HTML5 doctype in any case, in a CMS post and in a JSON field', () => {
    clean(`<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><p>x</p></body></html>`);
    clean(`<!doctype html><html><body>a</body></html>`);
    clean(`<!DocType HTML>\n<html/>`);
    clean(JSON.stringify({ content: '<!DOCTYPE html>\n<html lang="en"><body>x</body></html>\n' }));
    clean(`<!DOCTYPE html SYSTEM "about:legacy-compat"><html/>`);
  });

  it('XHTML 1.0 Strict/Transitional, XHTML 1.1, HTML 4.01 and SVG 1.0/1.1 public doctypes', () => {
    clean(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"/>`);
    clean(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html/>`);
    clean(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "https://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd"><html/>`);
    clean(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd"><html></html>`);
    clean(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN"><html></html>`);
    clean(`<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`);
    clean(`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.0//EN" "http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd"><svg/>`);
  });

  it('Illustrator-style SVG: public doctype plus plain internal entities used in attributes', () => {
    clean(`<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
	<!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/">
	<!ENTITY ns_ai "http://ns.adobe.com/AdobeIllustrator/10.0/">
	<!ENTITY ns_svg "http://www.w3.org/2000/svg">
]>
<svg version="1.1" xmlns:x="&ns_extend;" xmlns:i="&ns_ai;" xmlns="&ns_svg;"><rect width="1" height="1"/></svg>`);
  });

  it('internal subsets with only ELEMENT/ATTLIST/NOTATION declarations and comments', () => {
    clean(`<?xml version="1.0"?>
<!DOCTYPE note [
  <!-- the note format -->
  <!ELEMENT note (to,from,body)>
  <!ELEMENT to (#PCDATA)> <!ELEMENT from (#PCDATA)> <!ELEMENT body (#PCDATA)>
  <!ATTLIST note priority (low|high) "low" id ID #IMPLIED>
  <!NOTATION png SYSTEM "image/png">
]>
<note priority="high"><to>Alice</to><from>Bob</from><body>hi</body></note>`);
  });

  it('the same internal subset inside a JSON string (raw body view with escapes)', () => {
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE note [\n  <!ELEMENT note (to,from)>\n  <!ATTLIST note p (low|high) "low">\n]>\n<note p="high"><to>A</to><from>B</from></note>\n`;
    clean(JSON.stringify({ id: 7, xml }));
    clean(xml);
  });

  it('simple internal general entities with plain text and character references', () => {
    clean(`<!DOCTYPE doc [<!ENTITY company "Acme"><!ENTITY product 'Widget &#8482;'><!ENTITY nbsp "&#160;"><!ENTITY amp2 "Smith &amp; Sons">]><doc>&company; &product;&nbsp;&amp2;</doc>`);
  });

  it('SOAP envelopes, Atom and RSS feeds, SVG without DTD', () => {
    clean(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header/><soapenv:Body><o:Get xmlns:o="urn:o"><o:id>5</o:id></o:Get></soapenv:Body></soapenv:Envelope>`);
    clean(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:uuid:1</id></entry></feed>`);
    clean(`<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>x</title><atom:link href="https://e.example/rss" rel="self"/></channel></rss>`);
    clean(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#abc"/></svg>`);
  });

  it('xsi:schemaLocation and noNamespaceSchemaLocation hints on ordinary documents', () => {
    clean(`<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd"><modelVersion>4.0.0</modelVersion></project>`);
    clean(`<cfg xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="cfg.xsd"/>`);
    clean(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="schemaLocation" type="xs:string"/></xs:schema>`);
  });

  it('prose that mentions the markers', () => {
    clean(`{"body": "Our SOAP parser now disables <!DOCTYPE declarations entirely, and XXE is no longer possible. Never allow <!ENTITY in uploads; XInclude and schemaLocation are off too."}`);
    clean(`Use <!DOCTYPE> sparingly; <!ENTITY> is a DTD keyword.`);
  });

  it('UTF-16 documents without any DTD', () => {
    clean(bom16le(`<?xml version="1.0" encoding="UTF-16"?><order id="1"><customer>Grün</customer></order>`));
    clean(Buffer.from('<r><a>plain</a></r>', 'utf16le'));
  });

  it('text that merely contains +ADw (not UTF-7 markup)', () => {
    clean(`Token: abc+ADw9xyz and C++ADwin`);
  });

  it('an XSLT stylesheet without includes or extensions', () => {
    clean(`<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><xsl:value-of select="."/></xsl:template></xsl:stylesheet>`);
  });
});

describe('more well-known DTDs', () => {
  it('Illustrator SVG 1.0 and Apple property lists', () => {
    clean(`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 20010904//EN" "http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd"><svg/>`);
    clean(`<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict><key>a</key><string>b</string></dict></plist>`);
  });
  it('but not the plist FPI on another host', () => {
    expect(run(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://evil.example/PropertyList-1.0.dtd"><plist/>`).rules).toEqual(
      new Set(['DW-XML-002']),
    );
  });
});
