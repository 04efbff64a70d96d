"""The demo cast: who signs in to the demo, by role, language and place."""

DEMO_PASSWORD = "demo-pass"  # noqa: S105 (public demo logins, listed in the README)

# (phone, name, role, region code, language)
DEMO_PEOPLE = [
    ("9000000001", "Ritwik Sen", "admin", "WB", "en"),
    ("9000000002", "Priya Nair", "trainer", "WB-KOL", "en"),
    ("9000000003", "अमित वर्मा", "trainer", "WB-DAR", "hi"),
    ("9000000004", "সুচিত্রা দাস", "cell_head", "WB-KOL", "bn"),
    ("9000000005", "Tenzing Lepcha", "cell_head", "WB-DAR", "en"),
    ("9830000001", "অনুপম মুখোপাধ্যায়", "sahayak", "BOOTH-BHA-001", "bn"),
    ("9830000002", "শ্রাবন্তী চট্টোপাধ্যায়", "sahayak", "BOOTH-BHA-001", "bn"),
    ("9830000003", "মোহাম্মদ রফিক", "sahayak", "BOOTH-BHA-002", "bn"),
    ("9830000004", "দেবাশীষ ঘোষ", "sahayak", "BOOTH-BHA-002", "bn"),
    ("9830000005", "ঋতুপর্ণা বন্দ্যোপাধ্যায়", "sahayak", "BOOTH-BHA-003", "bn"),
    ("9830000006", "সঞ্জয় মণ্ডল", "sahayak", "BOOTH-RAS-001", "bn"),
    ("9830000007", "তানিয়া সরকার", "sahayak", "BOOTH-RAS-001", "bn"),
    ("9830000008", "राजेश कुमार शर्मा", "sahayak", "AC-CHOWRINGHEE", "hi"),
    ("9830000009", "सुनीता प्रसाद", "sahayak", "AC-CHOWRINGHEE", "hi"),
    ("9830000010", "Arjun Mehta", "sahayak", "AC-RASHBEHARI", "en"),
    ("9830000011", "Fatima Khatun", "sahayak", "BOOTH-BHA-003", "en"),
    ("9830000012", "Pemba Sherpa", "sahayak", "BOOTH-SIL-001", "en"),
    ("9830000013", "Anjali Thapa", "sahayak", "BOOTH-SIL-001", "en"),
    ("9830000014", "विकास गुप्ता", "sahayak", "BOOTH-SIL-002", "hi"),
    ("9830000015", "पूजा अग्रवाल", "sahayak", "BOOTH-SIL-002", "hi"),
    ("9830000016", "সৌমিত্র রায়", "sahayak", "AC-DARJEELING", "bn"),
    ("9830000017", "Karma Bhutia", "sahayak", "AC-DARJEELING", "en"),
    ("9830000018", "পার্থ প্রতিম দত্ত", "sahayak", "BOOTH-SHI-001", "bn"),
    ("9830000019", "মৌমিতা পাল", "sahayak", "BOOTH-SHI-001", "bn"),
    ("9830000020", "रवि यादव", "sahayak", "AC-HOWRAH-UTTAR", "hi"),
]
