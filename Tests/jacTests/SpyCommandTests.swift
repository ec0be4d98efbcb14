import Foundation
import Testing

@Suite struct SpyCommandTests {
  @Test func pictureOfRtRHasOneCellPerNonzeroEntryAndBlockLines() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    let r = try JacRunner.run(["spy", "R'*R", "--wrt", "R", "--dims", "R=3x3", "-o", "\(dir)/rtr.svg"])
    #expect(r.status == 0, "\(r.stderr)")
    // Parsed as XML by Python; the nonzero entries of ∂(RᵀR)/∂R by the entrywise rule
    // δ(j,p)R[i,q] + δ(j,q)R[i,p] for a generic R: 3·3·3 + 3·3·3 − 3·3 (p = q counted once) = 45.
    let summary = try JacRunner.python(
      """
      import xml.etree.ElementTree as ET
      root = ET.parse('\(dir)/rtr.svg').getroot()
      ns = '{http://www.w3.org/2000/svg}'
      cells = [e for e in root.iter(ns + 'rect') if e.find(ns + 'title') is not None]
      heavy = [e for e in root.iter(ns + 'line') if e.get('stroke-width') == '1.6']
      print(len(cells), len(heavy))
      """)
    #expect(summary == "45 8")
    #expect(r.stdout.contains("45 nonzero entries"))
  }

  @Test func illegibleSizesAreRefusedWithoutAFile() throws {
    let dir = try JacRunner.temporaryDirectory()
    defer { JacRunner.removeTemporaryDirectory(dir) }
    let r = try JacRunner.run(["spy", "R'*R", "--wrt", "R", "--dims", "R=20x20", "-o", "\(dir)/big.svg"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("use smaller --dims"))
    #expect(!FileManager.default.fileExists(atPath: "\(dir)/big.svg"))
  }
}
