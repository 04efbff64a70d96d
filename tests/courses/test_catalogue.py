"""Issue 16: the course list showed every language to everyone, the Hindi course first for a
Bengali reader. Now the reader's language comes first and each course says its language."""

import re

from lms.courses.parser import parse_course
from lms.courses.services import publish
from tests.courses.samples import COURSE_MD, course_files


def publish_in(slug: str, lang: str, title: str):
    course_md = COURSE_MD.replace("lang: bn", f"lang: {lang}").replace("নিরাপদ অ্যাকাউন্ট", title)
    return publish(parse_course(slug, course_files(**{"course.md": course_md})), None, "cli").version


def titles(page: str) -> list[str]:
    return re.findall(r'<a href="/courses/[\w-]+/">([^<]+)</a>', page)


def test_the_readers_language_comes_first_and_each_course_says_its_language(client, auth, make_user):
    publish_in("accounts-hi", "hi", "सुरक्षित खाते")
    publish_in("accounts-bn", "bn", "নিরাপদ অ্যাকাউন্ট")
    publish_in("accounts-en", "en", "Safe accounts")
    auth.login(make_user(lang="bn"))
    page = client.get("/courses/").get_data(as_text=True)
    assert titles(page)[0] == "নিরাপদ অ্যাকাউন্ট"
    assert '<span class="tag">हिन्दी</span>' in page and '<span class="tag">বাংলা</span>' in page
    client.post("/language", data={"lang": "hi"})
    assert titles(client.get("/courses/").get_data(as_text=True))[0] == "सुरक्षित खाते"
