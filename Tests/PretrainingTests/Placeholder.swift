import Testing
@Test func placeholderPretrainingTests() { #expect(1 + 1 == 2) }
