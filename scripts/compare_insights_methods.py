#!/usr/bin/env python
"""The measurement behind the analyser's method (docs/INSIGHTS.md, "The analyser").

On the dev comments (eval/insights/dev/<lang>.yml), 5-fold cross-validation, per language
and pooled over the five languages:

  lexicon     bot.insights.analyse as it is (NB: tuned on these very comments, so its
              dev figure is optimistic; the first, untuned run is in docs/INSIGHTS.md)
  classifier  scikit-learn: TF-IDF of character 2-5-grams + word 1-2-grams, one logistic
              regression per topic (found or not) and one for the comment's polarity,
              trained on the other folds
  hybrid      the lexicon's topics and the classifier's comment polarity

and prints topic macro-F1 and comment polarity accuracy (bot/insights/scoring.py).

    .venv/bin/python scripts/compare_insights_methods.py
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402
from sklearn.pipeline import FeatureUnion, make_pipeline  # noqa: E402

from bot.base.insight import TOPICS, Analysis, Mention  # noqa: E402
from bot.insights import analyse  # noqa: E402
from bot.insights.lexicon import LANGUAGES  # noqa: E402
from bot.insights.scoring import score  # noqa: E402

warnings.filterwarnings("ignore")


def load(lang: str) -> list[dict]:
    data = yaml.safe_load((ROOT / "eval" / "insights" / "dev" / f"{lang}.yml").read_text(encoding="utf-8"))
    return [dict(item, lang=lang) for item in data["comments"]]


def features() -> FeatureUnion:
    return FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ]
    )


class Classifier:
    """Multi-label topics + 4-class comment polarity; mention polarity = comment polarity
    (positive/negative) or neutral, which is all a comment-level model can say."""

    def __init__(self, train: list[dict]) -> None:
        texts = [i["text"] for i in train]
        self.topics = {}
        for topic in TOPICS:
            y = [topic in (i["topics"] or {}) for i in train]
            if sum(y) >= 2 and not all(y):
                model = make_pipeline(
                    features(), LogisticRegression(C=10, class_weight="balanced", max_iter=1000)
                )
                self.topics[topic] = model.fit(texts, y)
        labels = [i["polarity"] for i in train]
        self.polarity = make_pipeline(
            features(), LogisticRegression(C=10, class_weight="balanced", max_iter=1000)
        )
        self.polarity.fit(texts, labels)

    def __call__(self, text: str, lang: str) -> Analysis:
        polarity = str(self.polarity.predict([text])[0])
        mention = polarity if polarity in ("positive", "negative") else "neutral"
        found = [t for t, m in self.topics.items() if m.predict([text])[0]]
        return Analysis(tuple(Mention(t, mention, ()) for t in found), polarity)


def hybrid(classifier: Classifier):
    def run(text: str, lang: str) -> Analysis:
        lexical = analyse(text, lang)
        return Analysis(lexical.topics, classifier(text, lang).polarity)

    return run


def cross_validate(items: list[dict]) -> dict[str, tuple[float, float]]:
    folds = KFold(n_splits=5, shuffle=True, random_state=0)
    results: dict[str, list] = {"lexicon": [], "classifier": [], "hybrid": []}
    for train_idx, test_idx in folds.split(items):
        train = [items[i] for i in train_idx]
        test = [items[i] for i in test_idx]
        model = Classifier(train)
        for name, fn in (("lexicon", analyse), ("classifier", model), ("hybrid", hybrid(model))):
            for item in test:
                results[name].append((item, fn))
    out = {}
    for name, pairs in results.items():
        # score each item with the model of its fold
        total = None
        for item, fn in pairs:
            s = score([item], item["lang"], fn)
            if total is None:
                total = s
            else:
                total.items += s.items
                total.tp.update(s.tp)
                total.fp.update(s.fp)
                total.fn.update(s.fn)
                total.polarity_right += s.polarity_right
                total.mention_total += s.mention_total
                total.mention_right += s.mention_right
        assert total is not None
        out[name] = (total.macro_f1, total.polarity_accuracy, total.mention_accuracy)
    return out


def main() -> int:
    print(f"{'set':8} {'method':11} {'topic F1':>9} {'polarity':>9} {'mention':>8}")
    every: list[dict] = []
    for lang in LANGUAGES:
        items = load(lang)
        every += items
        for name, (f1, pol, men) in cross_validate(items).items():
            print(f"{lang:8} {name:11} {f1:9.3f} {pol:9.3f} {men:8.3f}")
    for name, (f1, pol, men) in cross_validate(every).items():
        print(f"{'pooled':8} {name:11} {f1:9.3f} {pol:9.3f} {men:8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
