// SPDX-License-Identifier: GPL-3.0-or-later
// The subscribe panel's models and views on their own (offscreen, no router): the event log model (cap, filter),
// the topic tree, the value tree and the JSON editor, each under QAbstractItemModelTester.

#include "fakes/testutil.h"

#include "inspect/eventfilter.h"
#include "inspect/receivedevents.h"
#include "models/eventlogmodel.h"
#include "models/topictreemodel.h"
#include "models/valuetreemodel.h"
#include "views/jsoneditor.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace wb;
using wamp::Value;
using wb::testing::s;

namespace {
using Tester = QAbstractItemModelTester;
constexpr auto kMode = QAbstractItemModelTester::FailureReportingMode::QtTest;
} // namespace

class TstModels : public QObject
{
    Q_OBJECT
private slots:
    void eventLogModelCapAndFilter()
    {
        inspect::ReceivedEventLog store(100);
        ui::EventLogModel all(&store);
        ui::EventLogModel filtered(&store);
        Tester t1(&all, kMode);
        Tester t2(&filtered, kMode);
        inspect::EventFilter f;
        f.search = s("7$");
        f.searchIsRegex = true;
        filtered.setFilter(f);
        for (int i = 0; i < 1000; ++i) {
            store.append(i, 1, s("t.%1").arg(i % 10), 0, wamp::List{i}, {});
            if (i % 97 == 0) {
                all.refresh();
                filtered.refresh();
            }
        }
        all.refresh();
        filtered.refresh();
        QCOMPARE(all.rowCount(), 100);
        QCOMPARE(all.seqAt(0), quint64(900));
        QCOMPARE(all.index(99, ui::EventLogModel::TopicColumn).data().toString(), s("t.9"));
        QCOMPARE(all.index(99, ui::EventLogModel::PayloadColumn).data().toString(), s("[999]"));
        // topics t.7 (and payloads ending in 7) among the last 100
        QCOMPARE(filtered.rowCount(), 10);
        for (int r = 0; r < filtered.rowCount(); ++r)
            QCOMPARE(filtered.index(r, ui::EventLogModel::TopicColumn).data().toString(), s("t.7"));
        // paused: new events wait, dropped ones still go
        all.setPaused(true);
        for (int i = 0; i < 30; ++i)
            store.append(2000 + i, 1, s("t.x"), 0, {}, {});
        all.refresh();
        QCOMPARE(all.rowCount(), 70);
        all.setPaused(false);
        all.refresh();
        QCOMPARE(all.rowCount(), 100);
        store.clear();
        all.resetFromStore();
        QCOMPARE(all.rowCount(), 0);
    }

    void topicTreeModel()
    {
        inspect::ReceivedEventLog store;
        ui::TopicTreeModel m(&store);
        Tester t(&m, kMode);
        store.append(1, 1, s("com.a.x"), 0, {1}, {});
        store.append(2, 1, s("com.a.y"), 0, {2}, {});
        store.append(3, 1, s("com.a.x"), 0, {3}, {});
        store.append(4, 1, s("org.b"), 0, {4}, {});
        m.refresh();
        QCOMPARE(m.rowCount(), 2); // com, org
        const QModelIndex x = m.indexOfTopic(s("com.a.x"));
        QVERIFY(x.isValid());
        QCOMPARE(x.siblingAtColumn(ui::TopicTreeModel::CountColumn).data().toULongLong(), 2ULL);
        QCOMPARE(x.siblingAtColumn(ui::TopicTreeModel::LastPayloadColumn).data().toString(), s("[3]"));
        QCOMPARE(x.parent().siblingAtColumn(ui::TopicTreeModel::CountColumn).data().toULongLong(), 3ULL); // com.a
        QCOMPARE(x.data(ui::TopicTreeModel::TopicRole).toString(), s("com.a.x"));
        store.clear();
        m.refresh();
        QCOMPARE(m.rowCount(), 0);
    }

    void valueTreeModel()
    {
        ui::ValueTreeModel m;
        Tester t(&m, kMode);
        m.setValue(Value(wamp::Dict{{s("args"), Value(wamp::List{1, Value::bytes("\x01\xff")})},
                                    {s("kwargs"), Value(wamp::Dict{{s("n"), Value(s("x"))}})}}));
        QCOMPARE(m.rowCount(), 2);
        const QModelIndex args = m.index(0, 0);
        QCOMPARE(args.data().toString(), s("args"));
        QCOMPARE(m.rowCount(args), 2);
        QCOMPARE(m.index(1, ui::ValueTreeModel::ValueColumn, args).data().toString(), s("0x01ff"));
        QCOMPARE(m.index(1, ui::ValueTreeModel::TypeColumn, args).data().toString(), Value::kindName(Value::Kind::Bytes));
    }

    void jsonEditor()
    {
        ui::JsonEditor e(ui::JsonEditor::Expect::Array);
        QVERIFY(e.isValid()); // blank = no args
        QSignalSpy validity(&e, &ui::JsonEditor::validityChanged);
        e.setText(s("[1,\n  2,,]"));
        QVERIFY(!e.isValid());
        QVERIFY2(e.errorText().startsWith(s("line 2, column 5")), qPrintable(e.errorText()));
        QCOMPARE(validity.size(), 1);
        e.setText(s("{\"a\": 1}"));
        QVERIFY(!e.isValid());
        QVERIFY(e.errorText().contains(s("array")));
        e.setText(s("[1, \"two\"]"));
        QVERIFY(e.isValid());
        QCOMPARE(e.value(), Value(wamp::List{1, s("two")}));
        e.setValidationEnabled(false);
        e.setText(s("[\"{{args[0]}}\""));
        QVERIFY(e.isValid());
    }
};

QTEST_MAIN(TstModels)
#include "tst_models.moc"
