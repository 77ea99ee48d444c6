"""Demo pages: tenant names and widget keys are escaped, never markup."""

from __future__ import annotations

from bot.channels.webchat.pages import demo_index, demo_page
from bot.ratings import Scale
from bot.tenants.registry import Question, Tenant

EVIL_NAME = "<script>alert(1)</script>"
EVIL_KEY = 'wk_"><img src=x onerror=alert(2)>'


def tenant(name: str = EVIL_NAME, widget_key: str = EVIL_KEY) -> Tenant:
    return Tenant(
        id="evil",
        name=name,
        widget_key=widget_key,
        languages=("en", "de"),
        default_language="en",
        escalation_threshold=0.4,
        questions=(Question("overall", "rating", Scale.from_config({"low": 1, "high": 5})),),
    )


def test_demo_page_escapes_the_tenant_name_and_widget_key():
    html = demo_page(tenant())
    assert "<script>alert" not in html and "<img" not in html
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; — feedback</title>" in html
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    assert 'data-widget-key="wk_&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"' in html
    # only our own two scripts
    assert html.count("<script") == 2
    assert '<script src="/webhooks/webchat/static/widget.js"></script>' in html


def test_demo_index_escapes_names_and_keys():
    html = demo_index([tenant(), tenant(name="Hotel & Spa", widget_key="wk_ok")])
    assert "<script" not in html and "<img" not in html
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;</a>" in html
    assert 'href="/webhooks/webchat/demo/wk_&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"' in html
    assert '<a href="/webhooks/webchat/demo/wk_ok">Hotel &amp; Spa</a> — en, de' in html


def test_demo_styles_are_scoped_to_the_demo_pages():
    """widget.css scopes page layout to body.rapport-demo, so pages embedding the widget
    (embed.js) keep their own styles."""
    assert '<body class="rapport-demo">' in demo_page(tenant(name="A", widget_key="wk_a"))
    assert '<body class="rapport-demo">' in demo_index([tenant(name="A", widget_key="wk_a")])
