// SPDX-License-Identifier: GPL-3.0-or-later
// UriIndex: the (uri, match) index shared by Broker and Dealer. Best match (exact > longest prefix > best wildcard,
// ties by pattern), all matches, removal, empty-component patterns; and a cross-check against the plain scan over
// every entry that the Dealer and Broker used before the index.

#include "router/uriindex.h"

#include <QTest>

#include <algorithm>
#include <deque>
#include <initializer_list>

using namespace wb::wamp;
using wb::router::UriIndex;

namespace {

struct Entry
{
    QString uri;
    MatchPolicy match = MatchPolicy::Exact;
};

/// "exact:a.b", "prefix:a.", "wildcard:a..c" -> Entry.
Entry parseEntry(const QString &spec)
{
    const qsizetype colon = spec.indexOf(u':');
    return Entry{spec.mid(colon + 1), parseMatchPolicy(spec.left(colon)).value()};
}

QString specOf(const Entry *e)
{
    return e ? matchPolicyName(e->match) + u':' + e->uri : QString();
}

/// The scan the Dealer did before UriIndex (every prefix and wildcard entry per CALL).
const Entry *referenceBestMatch(const std::deque<Entry> &entries, const QString &uri)
{
    for (const Entry &e : entries) {
        if (e.match == MatchPolicy::Exact && e.uri == uri)
            return &e;
    }
    const Entry *best = nullptr;
    for (const Entry &e : entries) {
        if (e.match == MatchPolicy::Prefix && uri.startsWith(e.uri) && (!best || e.uri.size() > best->uri.size()))
            best = &e;
    }
    if (best)
        return best;
    for (const Entry &e : entries) {
        if (e.match != MatchPolicy::Wildcard || !uriMatches(uri, e.uri, MatchPolicy::Wildcard))
            continue;
        if (!best || wildcardBeats(e.uri, best->uri) || (!wildcardBeats(best->uri, e.uri) && e.uri < best->uri))
            best = &e;
    }
    return best;
}

QStringList specs(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *s : list)
        out.append(QString::fromUtf8(s));
    return out;
}

QStringList sortedSpecs(const QList<Entry *> &list)
{
    QStringList out;
    for (const Entry *e : list)
        out.append(specOf(e));
    out.sort();
    return out;
}

} // namespace

class TstUriIndex : public QObject
{
    Q_OBJECT
private slots:
    void match_data()
    {
        QTest::addColumn<QStringList>("entries");
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("best");      // "" = no match
        QTest::addColumn<QStringList>("all");  // every match, sorted

        const QStringList mixed = specs({"exact:a.b.c", "prefix:a.b", "prefix:a.b.c", "prefix:a", "wildcard:a..c",
                                "wildcard:.b.c", "wildcard:a.b."});
        QTest::newRow("exact wins") << mixed << "a.b.c" << "exact:a.b.c"
                                    << specs({"exact:a.b.c", "prefix:a", "prefix:a.b", "prefix:a.b.c",
                                                   "wildcard:.b.c", "wildcard:a..c", "wildcard:a.b."});
        QTest::newRow("longest prefix") << mixed << "a.b.cd" << "prefix:a.b.c"
                                        << specs({"prefix:a", "prefix:a.b", "prefix:a.b.c", "wildcard:a.b."});
        QTest::newRow("prefix is a string prefix") << mixed << "a.bx" << "prefix:a.b"
                                                   << specs({"prefix:a", "prefix:a.b"});
        QTest::newRow("prefix beats wildcard") << mixed << "a.x.c" << "prefix:a"
                                               << specs({"prefix:a", "wildcard:a..c"});
        const QStringList wild = specs({"wildcard:a..c", "wildcard:.b.c", "wildcard:a.b.", "wildcard:..", "wildcard:x..c"});
        // Longer literal run before the first wildcard wins (wamp-notes §11.6).
        QTest::newRow("wildcard precedence") << wild << "a.b.c" << "wildcard:a.b."
                                             << specs({"wildcard:..", "wildcard:.b.c", "wildcard:a..c",
                                                            "wildcard:a.b."});
        QTest::newRow("wildcard next run") << wild << "a.z.c" << "wildcard:a..c"
                                           << specs({"wildcard:..", "wildcard:a..c"});
        QTest::newRow("all-empty wildcard") << wild << "q.r.s" << "wildcard:.." << specs({"wildcard:.."});
        QTest::newRow("component count differs") << wild << "a.b.c.d" << "" << specs({});
        // Runs before the first difference decide: ".x." [0,1,0] beats "..y" [0,0,1]. (Two different patterns that
        // match the same URI never tie, so the by-pattern tie rule only guards against hash order.)
        QTest::newRow("wildcard second run") << specs({"wildcard:..y", "wildcard:.x."}) << "a.x.y" << "wildcard:.x."
                                             << specs({"wildcard:..y", "wildcard:.x."});
        QTest::newRow("empty prefix matches all") << specs({"prefix:", "wildcard:."}) << "a.b" << "prefix:"
                                                  << specs({"prefix:", "wildcard:."});
        QTest::newRow("trailing-dot prefix") << specs({"prefix:com.app.", "prefix:com.app"}) << "com.app.x"
                                             << "prefix:com.app." << specs({"prefix:com.app", "prefix:com.app."});
        QTest::newRow("prefix longer than uri") << specs({"prefix:com.app.long"}) << "com.app" << ""
                                                << specs({});
        QTest::newRow("same uri, three policies")
            << specs({"exact:a.b", "prefix:a.b", "wildcard:a.b"}) << "a.b" << "exact:a.b"
            << specs({"exact:a.b", "prefix:a.b", "wildcard:a.b"});
        QTest::newRow("nothing") << mixed << "z" << "" << specs({});
    }
    void match()
    {
        QFETCH(QStringList, entries);
        QFETCH(QString, uri);
        QFETCH(QString, best);
        QFETCH(QStringList, all);
        std::deque<Entry> owned;
        UriIndex<Entry> index;
        for (const QString &spec : entries) {
            owned.push_back(parseEntry(spec));
            index.insert(owned.back().uri, owned.back().match, &owned.back());
        }
        QCOMPARE(index.size(), int(entries.size()));
        QCOMPARE(specOf(index.bestMatch(uri)), best);
        QCOMPARE(specOf(referenceBestMatch(owned, uri)), best); // the row itself agrees with the old scan
        QCOMPARE(sortedSpecs(index.matching(uri)), all);
        for (const Entry &e : owned)
            QCOMPARE(index.find(e.uri, e.match), &e);
    }

    void removal()
    {
        std::deque<Entry> owned;
        UriIndex<Entry> index;
        for (const QString &spec : {QStringLiteral("prefix:a.b"), QStringLiteral("prefix:x.y"),
                                    QStringLiteral("wildcard:a..c"), QStringLiteral("wildcard:.b.c"),
                                    QStringLiteral("exact:a.b.c")}) {
            owned.push_back(parseEntry(spec));
            index.insert(owned.back().uri, owned.back().match, &owned.back());
        }
        QCOMPARE(specOf(index.bestMatch(QStringLiteral("a.b.c"))), QStringLiteral("exact:a.b.c"));
        QVERIFY(index.remove(QStringLiteral("a.b.c"), MatchPolicy::Exact));
        QVERIFY(!index.remove(QStringLiteral("a.b.c"), MatchPolicy::Exact));
        QCOMPARE(index.find(QStringLiteral("a.b.c"), MatchPolicy::Exact), nullptr);
        QCOMPARE(specOf(index.bestMatch(QStringLiteral("a.b.c"))), QStringLiteral("prefix:a.b"));
        // Two prefixes of the same length: removing one keeps the other reachable.
        QVERIFY(index.remove(QStringLiteral("x.y"), MatchPolicy::Prefix));
        QCOMPARE(specOf(index.bestMatch(QStringLiteral("a.b.c"))), QStringLiteral("prefix:a.b"));
        QCOMPARE(index.bestMatch(QStringLiteral("x.y.z")), nullptr);
        QVERIFY(!index.remove(QStringLiteral("a.b"), MatchPolicy::Exact)); // wrong policy: nothing removed
        QVERIFY(index.remove(QStringLiteral("a.b"), MatchPolicy::Prefix));
        QCOMPARE(specOf(index.bestMatch(QStringLiteral("a.b.c"))), QStringLiteral("wildcard:a..c"));
        QVERIFY(index.remove(QStringLiteral("a..c"), MatchPolicy::Wildcard));
        QCOMPARE(specOf(index.bestMatch(QStringLiteral("a.b.c"))), QStringLiteral("wildcard:.b.c"));
        QVERIFY(index.remove(QStringLiteral(".b.c"), MatchPolicy::Wildcard));
        QVERIFY(!index.remove(QStringLiteral(".b.c"), MatchPolicy::Wildcard));
        QCOMPARE(index.bestMatch(QStringLiteral("a.b.c")), nullptr);
        QVERIFY(index.matching(QStringLiteral("a.b.c")).isEmpty());
        QCOMPARE(index.size(), 0);
    }

    void replaceKeepsOneEntry()
    {
        Entry first{QStringLiteral("a"), MatchPolicy::Prefix}, second{QStringLiteral("a"), MatchPolicy::Prefix};
        UriIndex<Entry> index;
        index.insert(first.uri, first.match, &first);
        index.insert(second.uri, second.match, &second);
        QCOMPARE(index.size(), 1);
        QCOMPARE(index.bestMatch(QStringLiteral("ab")), &second);
        QVERIFY(index.remove(QStringLiteral("a"), MatchPolicy::Prefix));
        QCOMPARE(index.bestMatch(QStringLiteral("ab")), nullptr);
    }

    /// Every URI built from a small alphabet against every pattern of the same alphabet: the index agrees with the
    /// old scan for best match and with uriMatches() for the full match set.
    void agreesWithScan()
    {
        const QStringList parts{QString(), QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("ab")};
        QStringList uris, patterns;
        for (const QString &x : parts) {
            patterns.append(x);
            for (const QString &y : parts) {
                patterns.append(x + u'.' + y);
                for (const QString &z : parts)
                    patterns.append(x + u'.' + y + u'.' + z);
            }
        }
        for (const QString &p : std::as_const(patterns)) {
            if (isValidUri(p))
                uris << p << p + u'b'; // "a.ab" also probes the plain-string prefixes "a.a" and "a.ab"
        }
        std::deque<Entry> owned;
        UriIndex<Entry> index;
        int n = 0;
        for (const QString &p : std::as_const(patterns)) {
            for (MatchPolicy policy : {MatchPolicy::Exact, MatchPolicy::Prefix, MatchPolicy::Wildcard}) {
                if (!isValidUri(p, UriStrictness::Loose, emptyComponentsFor(policy)) || (++n % 3) == 0)
                    continue; // leave some out so that each lookup has gaps to fall through
                owned.push_back(Entry{p, policy});
                index.insert(p, policy, &owned.back());
            }
        }
        QVERIFY(uris.size() > 70);
        QVERIFY(owned.size() > 100);
        for (const QString &uri : std::as_const(uris)) {
            QCOMPARE(specOf(index.bestMatch(uri)), specOf(referenceBestMatch(owned, uri)));
            QList<Entry *> expected;
            for (Entry &e : owned) {
                if (uriMatches(uri, e.uri, e.match))
                    expected.append(&e);
            }
            QCOMPARE(sortedSpecs(index.matching(uri)), sortedSpecs(expected));
        }
    }
};

QTEST_APPLESS_MAIN(TstUriIndex)
#include "tst_uriindex.moc"
