// SPDX-License-Identifier: GPL-3.0-or-later
#include "panels/subscribepanel.h"

#include "models/eventlogmodel.h"
#include "models/topictreemodel.h"
#include "session/session.h"
#include "views/payloadview.h"
#include "views/plotwidget.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace wb::ui {

SubscribePanel::SubscribePanel(session::Session *session, QWidget *parent)
    : QWidget(parent), m_session(session), m_timer(new QTimer(this))
{
    // ---- subscribe row ----
    m_topic = new QLineEdit(this);
    m_topic->setPlaceholderText(tr("topic, e.g. com.example.sensors"));
    m_match = new QComboBox(this);
    m_match->addItems({QStringLiteral("exact"), QStringLiteral("prefix"), QStringLiteral("wildcard")});
    m_match->setToolTip(tr("Match policy: exact topic, prefix (a.b matches a.b.c), wildcard (a..c matches a.x.c)"));
    m_subscribeBtn = new QPushButton(tr("&Subscribe"), this);
    m_unsubscribeBtn = new QPushButton(tr("&Unsubscribe"), this);
    auto *subRow = new QHBoxLayout;
    subRow->addWidget(new QLabel(tr("Topic:"), this));
    subRow->addWidget(m_topic, 1);
    subRow->addWidget(m_match);
    subRow->addWidget(m_subscribeBtn);
    subRow->addWidget(m_unsubscribeBtn);
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #c02020"));
    m_error->setWordWrap(true);
    m_error->hide();

    // ---- toolbar: pause, clear, follow, cap, search, filters ----
    m_pauseBtn = new QPushButton(tr("&Pause"), this);
    m_pauseBtn->setCheckable(true);
    auto *clearBtn = new QPushButton(tr("C&lear"), this);
    m_follow = new QCheckBox(tr("Follow tail"), this);
    m_follow->setChecked(true);
    m_cap = new QSpinBox(this);
    m_cap->setRange(1000, 50000000);
    m_cap->setSingleStep(100000);
    m_cap->setValue(int(inspect::ReceivedEventLog::kDefaultCap));
    m_cap->setToolTip(tr("Keep at most this many events (the oldest are dropped)"));
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("search topic + payload"));
    m_search->setClearButtonEnabled(true);
    m_regex = new QCheckBox(tr("Regex"), this);
    m_filterTopic = new QLineEdit(this);
    m_filterTopic->setPlaceholderText(tr("topic contains"));
    m_filterPublisher = new QLineEdit(this);
    m_filterPublisher->setPlaceholderText(tr("publisher id"));
    m_filterPublisher->setMaximumWidth(140);
    m_filterPayload = new QLineEdit(this);
    m_filterPayload->setPlaceholderText(tr("payload contains"));
    auto *tools = new QHBoxLayout;
    tools->addWidget(m_pauseBtn);
    tools->addWidget(clearBtn);
    tools->addWidget(m_follow);
    tools->addWidget(new QLabel(tr("Keep:"), this));
    tools->addWidget(m_cap);
    tools->addSpacing(12);
    tools->addWidget(m_search, 2);
    tools->addWidget(m_regex);
    tools->addWidget(m_filterTopic, 1);
    tools->addWidget(m_filterPublisher);
    tools->addWidget(m_filterPayload, 1);

    // ---- left: subscriptions + topic tree ----
    m_subList = new QListWidget(this);
    m_topicModel = new TopicTreeModel(&m_store, this);
    m_topicView = new QTreeView(this);
    m_topicView->setModel(m_topicModel);
    m_topicView->setUniformRowHeights(true);
    m_topicView->setColumnWidth(0, 170);
    m_topicView->setColumnWidth(1, 70);
    m_topicView->setColumnWidth(2, 70);
    // New topics show up expanded (a few levels; trees of topics are small).
    connect(m_topicModel, &QAbstractItemModel::rowsInserted, m_topicView, [this] { m_topicView->expandToDepth(3); });
    auto *left = new QSplitter(Qt::Vertical, this);
    auto *subBox = new QGroupBox(tr("Subscriptions"), this);
    (new QVBoxLayout(subBox))->addWidget(m_subList);
    auto *topicBox = new QGroupBox(tr("Topics seen"), this);
    (new QVBoxLayout(topicBox))->addWidget(m_topicView);
    left->addWidget(subBox);
    left->addWidget(topicBox);
    left->setStretchFactor(1, 3);

    // ---- center: logs ----
    m_allModel = new EventLogModel(&m_store, this);
    m_logs = new QTabWidget(this);
    m_allView = makeLogView(m_allModel);
    m_logs->addTab(m_allView, tr("All events"));
    m_stats = new QLabel(this);

    // ---- bottom: payload + plot ----
    m_payload = new PayloadView(this);
    m_plot = new PlotWidget(this);
    m_plotPath = new QLineEdit(this);
    m_plotPath->setPlaceholderText(tr("field to plot, e.g. args[0] or kwargs.temp"));
    auto *plotBox = new QWidget(this);
    auto *plotLay = new QVBoxLayout(plotBox);
    plotLay->setContentsMargins(0, 0, 0, 0);
    plotLay->addWidget(m_plotPath);
    plotLay->addWidget(m_plot, 1);
    auto *bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(m_payload);
    bottom->addWidget(plotBox);

    auto *center = new QSplitter(Qt::Vertical, this);
    auto *logBox = new QWidget(this);
    auto *logLay = new QVBoxLayout(logBox);
    logLay->setContentsMargins(0, 0, 0, 0);
    logLay->addWidget(m_logs, 1);
    logLay->addWidget(m_stats);
    center->addWidget(logBox);
    center->addWidget(bottom);
    center->setStretchFactor(0, 3);
    center->setStretchFactor(1, 2);

    auto *main = new QSplitter(Qt::Horizontal, this);
    main->addWidget(left);
    main->addWidget(center);
    main->setStretchFactor(1, 3);
    main->setSizes({420, 1000});

    auto *lay = new QVBoxLayout(this);
    lay->addLayout(subRow);
    lay->addWidget(m_error);
    lay->addLayout(tools);
    lay->addWidget(main, 1);

    connect(m_subscribeBtn, &QPushButton::clicked, this, [this] { subscribeTo(m_topic->text().trimmed(), m_match->currentText()); });
    connect(m_topic, &QLineEdit::returnPressed, m_subscribeBtn, &QPushButton::click);
    connect(m_unsubscribeBtn, &QPushButton::clicked, this, [this] { unsubscribeRow(m_subList->currentRow()); });
    connect(m_subList, &QListWidget::currentRowChanged, this, [this](int row) {
        updateEnabled();
        if (row >= 0 && row < m_subs.size() && m_subs.at(row).view)
            m_logs->setCurrentWidget(m_subs.at(row).view);
    });
    connect(m_pauseBtn, &QPushButton::toggled, this, &SubscribePanel::setPaused);
    connect(clearBtn, &QPushButton::clicked, this, &SubscribePanel::clearEvents);
    connect(m_cap, &QSpinBox::editingFinished, this, [this] { setCap(m_cap->value()); });
    for (QLineEdit *e : {m_search, m_filterTopic, m_filterPublisher, m_filterPayload})
        connect(e, &QLineEdit::textChanged, this, &SubscribePanel::applyFilter);
    connect(m_regex, &QCheckBox::toggled, this, &SubscribePanel::applyFilter);
    connect(m_plotPath, &QLineEdit::editingFinished, this, [this] {
        QString err;
        if (!setPlotPath(m_plotPath->text(), &err))
            setError(err);
        else
            setError({});
    });
    connect(m_logs, &QTabWidget::currentChanged, this, [this] { m_plot->clear(); m_plotScanned = m_store.endSeq(); });
    connect(m_topicView->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &cur) {
        const QString topic = cur.siblingAtColumn(0).data(TopicTreeModel::TopicRole).toString();
        if (topic.isEmpty())
            return;
        for (qsizetype t = 0; t < m_store.topicCount(); ++t) // show the topic's last payload
            if (m_store.topicName(quint32(t)) == topic && m_store.contains(m_store.topicStat(quint32(t)).lastSeq))
                m_payload->setPayload(m_store.payloadRoot(m_store.topicStat(quint32(t)).lastSeq));
    });

    if (m_session) {
        connect(m_session, &session::Session::stateChanged, this, &SubscribePanel::updateEnabled);
        connect(m_session, &session::Session::left, this, &SubscribePanel::sessionLeft);
        // After a reconnect (same Session object), subscribe again to what was lost.
        connect(m_session, &session::Session::joined, this, [this] {
            const QList<Sub> ended = m_ended;
            for (const Sub &s : ended)
                subscribeTo(s.topic, s.match);
        });
        connect(m_session, &session::Session::messageReceived, this, [this](const wamp::Message &, const QByteArray &bytes) {
            m_lastWireSize = quint32(bytes.size());
        });
    }
    m_timer->setInterval(kRefreshMs);
    connect(m_timer, &QTimer::timeout, this, &SubscribePanel::refresh);
    m_timer->start();
    setFocusProxy(m_topic);
    updateEnabled();
}

SubscribePanel::~SubscribePanel()
{
    if (m_session && m_session->isJoined())
        for (const Sub &s : std::as_const(m_subs))
            m_session->unsubscribe(s.id);
}

QTableView *SubscribePanel::makeLogView(EventLogModel *model)
{
    auto *v = new QTableView(this);
    v->setModel(model);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setSelectionMode(QAbstractItemView::SingleSelection);
    v->verticalHeader()->hide();
    v->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 4);
    v->horizontalHeader()->setStretchLastSection(false);
    v->horizontalHeader()->setSectionResizeMode(EventLogModel::PayloadColumn, QHeaderView::Stretch);
    v->setColumnWidth(EventLogModel::TimeColumn, 100);
    v->setColumnWidth(EventLogModel::TopicColumn, 220);
    v->setColumnWidth(EventLogModel::PublisherColumn, 130);
    v->setColumnWidth(EventLogModel::SizeColumn, 60);
    v->setWordWrap(false);
    v->setAlternatingRowColors(true);
    connect(v->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this, v](const QModelIndex &cur) { onLogSelection(v, cur); });
    return v;
}

void SubscribePanel::updateEnabled()
{
    const bool joined = m_session && m_session->isJoined();
    m_subscribeBtn->setEnabled(joined);
    m_unsubscribeBtn->setEnabled(joined && m_subList->currentRow() >= 0);
    m_topic->setToolTip(joined ? QString() : tr("Not connected"));
}

void SubscribePanel::setError(const QString &text)
{
    m_lastError = text;
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void SubscribePanel::subscribeTo(const QString &topic, const QString &match)
{
    if (!m_session || !m_session->isJoined()) {
        setError(tr("Not joined: connect first."));
        emit subscribeFailed(m_lastError);
        return;
    }
    if (topic.isEmpty() && match != QLatin1String("prefix") && match != QLatin1String("wildcard")) {
        setError(tr("Enter a topic."));
        emit subscribeFailed(m_lastError);
        return;
    }
    for (const Sub &s : std::as_const(m_subs))
        if (s.topic == topic && s.match == match) {
            setError(tr("Already subscribed to %1 (%2).").arg(topic, match));
            emit subscribeFailed(m_lastError);
            return;
        }
    wamp::Dict opts;
    if (match != QLatin1String("exact"))
        opts.insert(QStringLiteral("match"), match);
    QPointer<SubscribePanel> self(this);
    setError({});
    m_session->subscribe(
        topic, opts,
        [self](const session::EventData &ev) {
            if (!self)
                return;
            self->m_store.append(QDateTime::currentMSecsSinceEpoch(), ev.subscription, ev.topic,
                                 ev.details.value(QStringLiteral("publisher")).toUInt64().value_or(0), ev.args, ev.kwargs,
                                 self->m_lastWireSize);
        },
        [self, topic, match](quint64 id) {
            if (!self)
                return;
            for (qsizetype i = 0; i < self->m_ended.size(); ++i) {
                const Sub old = self->m_ended.at(i);
                if (old.topic == topic && old.match == match) {
                    self->m_logs->removeTab(self->m_logs->indexOf(old.view));
                    old.view->deleteLater();
                    old.model->deleteLater();
                    self->m_ended.removeAt(i);
                    break;
                }
            }
            Sub s;
            s.id = id;
            s.topic = topic;
            s.match = match;
            s.model = new EventLogModel(&self->m_store, self);
            inspect::EventFilter f;
            f.subscription = id;
            s.model->setFilter(f);
            s.view = self->makeLogView(s.model);
            self->m_logs->addTab(s.view, match == QLatin1String("exact") ? topic : QStringLiteral("%1 (%2)").arg(topic, match));
            self->m_subs.append(s);
            self->applyFilter();
            self->updateSubscriptionList();
            self->m_subList->setCurrentRow(int(self->m_subs.size()) - 1);
            emit self->subscribed(id, topic);
        },
        [self](const session::WampError &e) {
            if (!self)
                return;
            self->setError(tr("Subscribe failed: %1").arg(e.toString()));
            emit self->subscribeFailed(self->m_lastError);
        });
}

void SubscribePanel::unsubscribeRow(int row)
{
    if (row < 0 || row >= m_subs.size())
        return;
    const Sub s = m_subs.takeAt(row);
    if (m_session && m_session->isJoined())
        m_session->unsubscribe(s.id, {}, [this](const session::WampError &e) { setError(tr("Unsubscribe failed: %1").arg(e.toString())); });
    const int tab = m_logs->indexOf(s.view);
    if (tab >= 0)
        m_logs->removeTab(tab);
    s.view->deleteLater();
    s.model->deleteLater();
    updateSubscriptionList();
    updateEnabled();
}

int SubscribePanel::subscriptionCount() const
{
    return int(m_subs.size());
}

quint64 SubscribePanel::subscriptionId(int row) const
{
    return row >= 0 && row < m_subs.size() ? m_subs.at(row).id : 0;
}

EventLogModel *SubscribePanel::subscriptionModel(quint64 id) const
{
    for (const Sub &s : m_subs)
        if (s.id == id)
            return s.model;
    return nullptr;
}

void SubscribePanel::sessionLeft()
{
    // The router forgot our subscriptions; keep the logs (tabs) for reading.
    for (const Sub &s : std::as_const(m_subs))
        m_logs->setTabText(m_logs->indexOf(s.view), m_logs->tabText(m_logs->indexOf(s.view)) + tr(" (ended)"));
    m_ended += m_subs;
    m_subs.clear();
    updateSubscriptionList();
    updateEnabled();
}

void SubscribePanel::updateSubscriptionList()
{
    const int cur = m_subList->currentRow();
    while (m_subList->count() > m_subs.size())
        delete m_subList->takeItem(m_subList->count() - 1);
    for (int i = 0; i < m_subs.size(); ++i) {
        const Sub &s = m_subs.at(i);
        const QString text = tr("%1 [%2] — %3 events (id %4)").arg(s.topic, s.match).arg(s.count).arg(s.id);
        if (i < m_subList->count()) {
            if (m_subList->item(i)->text() != text)
                m_subList->item(i)->setText(text);
        } else {
            m_subList->addItem(text);
        }
    }
    if (cur >= m_subList->count())
        m_subList->setCurrentRow(m_subList->count() - 1);
}

void SubscribePanel::setPaused(bool paused)
{
    m_allModel->setPaused(paused);
    for (const Sub &s : std::as_const(m_subs))
        s.model->setPaused(paused);
    if (m_pauseBtn->isChecked() != paused)
        m_pauseBtn->setChecked(paused);
    m_pauseBtn->setText(paused ? tr("&Resume") : tr("&Pause"));
}

bool SubscribePanel::isPaused() const
{
    return m_allModel->isPaused();
}

void SubscribePanel::clearEvents()
{
    m_store.clear();
    m_allModel->resetFromStore();
    for (Sub &s : m_subs) {
        s.model->resetFromStore();
        s.count = 0;
    }
    m_topicModel->resetFromStore();
    m_payload->clearPayload();
    m_plot->clear();
    m_plotScanned = m_store.endSeq();
    updateSubscriptionList();
}

void SubscribePanel::setCap(qsizetype cap)
{
    m_store.setCap(cap);
    if (m_cap->value() != cap)
        m_cap->setValue(int(qMin<qsizetype>(cap, m_cap->maximum())));
    refresh();
}

void SubscribePanel::setFollowTail(bool on)
{
    m_follow->setChecked(on);
}

void SubscribePanel::setSearch(const QString &text, bool regex)
{
    m_search->setText(text);
    m_regex->setChecked(regex);
    applyFilter();
}

void SubscribePanel::setFilters(const QString &topic, quint64 publisher, const QString &payload)
{
    m_filterTopic->setText(topic);
    m_filterPublisher->setText(publisher ? QString::number(publisher) : QString());
    m_filterPayload->setText(payload);
    applyFilter();
}

void SubscribePanel::applyFilter()
{
    inspect::EventFilter f;
    f.search = m_search->text();
    f.searchIsRegex = m_regex->isChecked();
    f.topicContains = m_filterTopic->text().trimmed();
    f.publisher = m_filterPublisher->text().trimmed().toULongLong();
    f.payloadContains = m_filterPayload->text();
    const QString reErr = f.regexError();
    if (!reErr.isEmpty())
        setError(tr("Invalid regular expression: %1").arg(reErr));
    else if (m_lastError.startsWith(tr("Invalid regular expression")))
        setError({});
    const auto same = [](const inspect::EventFilter &a, const inspect::EventFilter &b) {
        return a.subscription == b.subscription && a.search == b.search && a.searchIsRegex == b.searchIsRegex
               && a.topicContains == b.topicContains && a.publisher == b.publisher && a.payloadContains == b.payloadContains;
    };
    if (!same(m_allModel->filter(), f))
        m_allModel->setFilter(f);
    for (const Sub &s : std::as_const(m_subs)) {
        inspect::EventFilter sf = f;
        sf.subscription = s.id;
        if (!same(s.model->filter(), sf))
            s.model->setFilter(sf);
    }
    refresh();
}

bool SubscribePanel::setPlotPath(const QString &path, QString *error)
{
    m_plot->clear();
    m_plotScanned = m_store.endSeq();
    if (m_plotPath->text() != path)
        m_plotPath->setText(path);
    if (path.trimmed().isEmpty()) {
        m_plotFieldPath.reset();
        m_plot->setTitle({});
        return true;
    }
    const Result<inspect::FieldPath> p = inspect::FieldPath::parse(path);
    if (!p.ok()) {
        m_plotFieldPath.reset();
        if (error)
            *error = p.errorString();
        return false;
    }
    m_plotFieldPath = *p;
    m_plot->setTitle(path);
    return true;
}

void SubscribePanel::feedPlot()
{
    if (!m_plotFieldPath) {
        m_plotScanned = m_store.endSeq();
        return;
    }
    // Bounded work per tick: only the newest kMaxPerTick events are sampled when a flood arrives.
    constexpr quint64 kMaxPerTick = 2000;
    const quint64 end = m_store.endSeq();
    quint64 from = qMax(m_plotScanned, m_store.firstSeq());
    if (end - from > kMaxPerTick)
        from = end - kMaxPerTick;
    const EventLogModel *cur = currentModel();
    const quint64 subFilter = cur ? cur->filter().subscription : 0;
    for (quint64 q = from; q < end; ++q) {
        const auto &r = m_store.record(q);
        if (subFilter && r.subscription != subFilter)
            continue;
        const Result<wamp::Value> v = m_plotFieldPath->extract(m_store.payloadRoot(q));
        if (v.ok() && v->isNumber())
            m_plot->addPoint(r.timeMs, v->toDouble());
        else if (v.ok() && v->isBool())
            m_plot->addPoint(r.timeMs, v->toBool() ? 1 : 0);
    }
    m_plotScanned = end;
    m_plot->update();
}

EventLogModel *SubscribePanel::currentModel() const
{
    QWidget *w = m_logs->currentWidget();
    if (w == m_allView)
        return m_allModel;
    for (const Sub &s : m_subs)
        if (s.view == w)
            return s.model;
    return m_allModel;
}

QTableView *SubscribePanel::currentView() const
{
    return qobject_cast<QTableView *>(m_logs->currentWidget());
}

void SubscribePanel::refreshNow()
{
    refresh();
}

void SubscribePanel::refresh()
{
    m_allModel->refresh();
    for (Sub &s : m_subs)
        s.model->refresh();
    // Event counts per subscription: the unfiltered per-subscription logs hold exactly those events.
    for (Sub &s : m_subs)
        if (s.model->filter().search.isEmpty() && s.model->filter().topicContains.isEmpty() && s.model->filter().publisher == 0
            && s.model->filter().payloadContains.isEmpty())
            s.count = quint64(s.model->rowCount());
    m_store.updateRates(QDateTime::currentMSecsSinceEpoch());
    m_topicModel->refresh();
    feedPlot();
    if (m_follow->isChecked() && !isPaused())
        if (QTableView *v = currentView())
            v->scrollToBottom();
    updateSubscriptionList();
    m_stats->setText(tr("%1 stored (cap %2), %3 received, %4 dropped%5")
                         .arg(m_store.size())
                         .arg(m_store.cap())
                         .arg(m_store.totalAppended())
                         .arg(m_store.dropped())
                         .arg(isPaused() ? tr(" — paused") : currentModel()->isScanning() ? tr(" — filtering…") : QString()));
}

void SubscribePanel::showPayloadOfRow(int row)
{
    QTableView *v = currentView();
    if (!v)
        return;
    const QModelIndex idx = v->model()->index(row, 0);
    v->setCurrentIndex(idx);
    onLogSelection(v, idx);
}

void SubscribePanel::onLogSelection(QTableView *view, const QModelIndex &current)
{
    auto *model = qobject_cast<EventLogModel *>(view->model());
    if (!model || !current.isValid())
        return;
    const quint64 seq = model->seqAt(current.row());
    if (!m_store.contains(seq))
        return;
    m_payload->setPayload(m_store.payloadRoot(seq));
    // Reading an event: stop following so the selection stays put.
    if (m_follow->isChecked() && view->selectionModel()->hasSelection() && current.row() < model->rowCount() - 1)
        m_follow->setChecked(false);
}

} // namespace wb::ui
