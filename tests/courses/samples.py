"""A small valid course, as files, for tests to mutate."""

COURSE_MD = """---
title: নিরাপদ অ্যাকাউন্ট
lang: bn
summary: Keep accounts safe
pass_mark: 60
certificate: true
---
# Welcome

This course is about **safe accounts**.
"""

LESSON_ONE = """---
title: Passwords
duration_min: 10
---
## পাসওয়ার্ড কেন জরুরি

Use a long passphrase. ![lock](images/lock.png)

```python
? not a question
- [x] not an option
```

```quiz id=safe-password attempts=3 shuffle=true
? Which of these make an account safer?
- [x] Turning on two-step verification
- [ ] Sharing the password with a trusted friend
  > Nobody else should ever know your password.
- [x] A long passphrase used nowhere else

? What should you do before forwarding a viral photo?
- [x] Check where it first appeared
- [ ] Forward it quickly before it is deleted

? সংক্ষেপে লিখুন: পোস্ট নির্ধারিত সময়ে প্রকাশ করার বৈশিষ্ট্যের নাম কী?
= schedule | শিডিউল | সময় নির্ধারণ

? How many Lok Sabha constituencies does West Bengal have?
= 42 +- 0
---
Explanation shown once the quiz is **submitted**.
```

After the quiz.
"""

LESSON_TWO = """---
title: Phishing
---
Links can lie. See [the first lesson](01-passwords.md).

```quiz id=phishing pass_mark=80
? Is a message asking for your OTP safe?
- [ ] Yes
- [x] No
```
"""

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def course_files(**changes: str | bytes | None) -> dict[str, bytes]:
    """The sample course's files; a change of None removes the file."""
    files: dict[str, str | bytes] = {
        "course.md": COURSE_MD,
        "01-passwords.md": LESSON_ONE,
        "02-phishing.md": LESSON_TWO,
        "images/lock.png": PNG,
    }
    for name, content in changes.items():
        path = name.replace("__", "/")
        if content is None:
            files.pop(path, None)
        else:
            files[path] = content
    return {path: data.encode("utf-8") if isinstance(data, str) else data for path, data in files.items()}
