// SPDX-License-Identifier: GPL-3.0-or-later
#include "metamonitor.h"

#include "session/metaclient.h"
#include "session/session.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace wb::ui {

using session::MetaRegistration;
using session::MetaSubscription;

namespace {

QTreeWidget *makeTree(QWidget *parent, const QStringList &headers, const QString &name)
{
    auto *t = new QTreeWidget(parent);
    t->setObjectName(name);
    t->setRootIsDecorated(false);
    t->setHeaderLabels(headers);
    t->setSortingEnabled(true);
    t->sortByColumn(0, Qt::AscendingOrder);
    t->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return t;
}

/// Sort numerically on column 0 (IDs) and on count columns.
class Item : public QTreeWidgetItem
{
public:
    using QTreeWidgetItem::QTreeWidgetItem;
    bool operator<(const QTreeWidgetItem &other) const override
    {
        const int col = treeWidget() ? treeWidget()->sortColumn() : 0;
        bool a = false, b = false;
        const qulonglong x = text(col).toULongLong(&a), y = other.text(col).toULongLong(&b);
        if (a && b)
            return x < y;
        return QTreeWidgetItem::operator<(other);
    }
};

} // namespace

MetaMonitor::MetaMonitor(session::Session *session, QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_kill = new QPushButton(tr("Kill session"), this);
    m_kill->setToolTip(tr("wamp.session.kill for the selected session"));
    m_kill->setEnabled(false);
    bar->addWidget(m_status, 1);
    bar->addWidget(m_refresh);
    bar->addWidget(m_kill);
    layout->addLayout(bar);
    m_tabs = new QTabWidget(this);
    m_sessions = makeTree(m_tabs, {tr("Session"), tr("Auth ID"), tr("Role"), tr("Method"), tr("Serializer"), tr("Transport"), tr("Peer")},
                          QStringLiteral("metaSessions"));
    m_subscriptions = makeTree(m_tabs, {tr("Subscription"), tr("Topic"), tr("Match"), tr("Subscribers")},
                               QStringLiteral("metaSubscriptions"));
    m_registrations = makeTree(m_tabs, {tr("Registration"), tr("Procedure"), tr("Match"), tr("Invoke"), tr("Callees")},
                               QStringLiteral("metaRegistrations"));
    m_tabs->addTab(m_sessions, tr("Sessions"));
    m_tabs->addTab(m_subscriptions, tr("Subscriptions"));
    m_tabs->addTab(m_registrations, tr("Registrations"));
    layout->addWidget(m_tabs, 1);

    connect(m_refresh, &QPushButton::clicked, this, &MetaMonitor::refresh);
    connect(m_sessions, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem *cur) { m_kill->setEnabled(cur && m_session && m_session->isJoined()); });
    connect(m_kill, &QPushButton::clicked, this, [this]() {
        if (QTreeWidgetItem *item = m_sessions->currentItem())
            killSession(item->text(0).toULongLong());
    });
    setSession(session);
}

void MetaMonitor::setSession(session::Session *session)
{
    if (m_session == session && m_meta)
        return;
    if (m_session)
        m_session->disconnect(this);
    delete m_meta;
    m_meta = nullptr;
    ++m_generation;
    m_session = session;
    clearLists();
    if (!m_session) {
        setStatus(tr("No connection selected."));
        return;
    }
    m_meta = new session::MetaClient(m_session, this);
    connect(m_session, &session::Session::joined, this, [this]() {
        if (m_active)
            start();
    });
    connect(m_session, &session::Session::left, this, [this](const QString &reason) {
        ++m_generation;
        clearLists();
        setStatus(tr("Not connected (%1).").arg(reason));
    });
    connect(m_meta, &session::MetaClient::sessionJoined, this, [this](const wamp::Dict &d) {
        m_sessionChurn.add(d.value(QStringLiteral("session")).toUInt64().value_or(0));
        addSessionRow(d);
        updateCounts();
    });
    connect(m_meta, &session::MetaClient::sessionLeft, this, [this](quint64 id) {
        m_sessionChurn.remove(id);
        delete find(m_sessions, id);
        updateCounts();
    });
    connect(m_meta, &session::MetaClient::subscriptionCreated, this, [this](quint64, const MetaSubscription &s) {
        m_subscriptionChurn.add(s.id);
        addSubscriptionRow(s);
        updateCounts();
    });
    connect(m_meta, &session::MetaClient::subscribed, this, [this](quint64 session, quint64 id) {
        m_subscribers[id].insert(session);
        updateCounts();
    });
    connect(m_meta, &session::MetaClient::unsubscribed, this, [this](quint64 session, quint64 id) {
        m_subscribers[id].remove(session);
        updateCounts();
    });
    connect(m_meta, &session::MetaClient::subscriptionDeleted, this, [this](quint64, quint64 id) {
        m_subscriptionChurn.remove(id);
        delete find(m_subscriptions, id);
        m_subscribers.remove(id);
        updateCounts();
    });
    connect(m_meta, &session::MetaClient::registrationCreated, this, [this](quint64, const MetaRegistration &r) {
        m_registrationChurn.add(r.id);
        addRegistrationRow(r);
        updateCounts();
    });
    connect(m_meta, &session::MetaClient::registered, this, [this](quint64 session, quint64 id) {
        m_callees[id].insert(session);
        updateCounts();
    });
    connect(m_meta, &session::MetaClient::unregistered, this, [this](quint64 session, quint64 id) {
        m_callees[id].remove(session);
        updateCounts();
    });
    connect(m_meta, &session::MetaClient::registrationDeleted, this, [this](quint64, quint64 id) {
        m_registrationChurn.remove(id);
        delete find(m_registrations, id);
        m_callees.remove(id);
        updateCounts();
    });
    if (m_active)
        start();
    else
        setStatus(tr("Live lists from the WAMP meta API; they load when this view is shown."));
}

void MetaMonitor::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    activate();
}

void MetaMonitor::activate()
{
    if (m_active)
        return;
    m_active = true;
    start();
}

void MetaMonitor::start()
{
    if (!m_session || !m_meta)
        return;
    if (!m_session->isJoined()) {
        setStatus(tr("Not connected: the lists load once the connection is up."));
        return;
    }
    const quint64 gen = ++m_generation;
    QPointer<MetaMonitor> self(this);
    m_meta->watch({}, [self, gen](const session::WampError &e) {
        if (self && self->m_generation == gen)
            self->setStatus(tr("Cannot follow the meta events: %1").arg(e.toString()));
    });
    refresh();
}

void MetaMonitor::refresh()
{
    if (!m_meta || !m_session || !m_session->isJoined())
        return;
    const quint64 gen = m_generation;
    QPointer<MetaMonitor> self(this);
    auto stale = [self, gen]() { return !self || self->m_generation != gen; };
    m_sessionChurn = {};
    m_subscriptionChurn = {};
    m_registrationChurn = {};
    auto fail = [self, stale](const session::WampError &e) {
        if (stale())
            return;
        if (e.uri == QStringLiteral("wamp.error.no_such_procedure"))
            self->setStatus(tr("This router does not offer the WAMP meta API (%1).").arg(e.uri));
        else
            self->setStatus(tr("Meta API error: %1").arg(e.toString()));
    };
    m_meta->fetchSessions(
        [self, stale](const QList<wamp::Dict> &list) {
            if (stale())
                return;
            QSet<quint64> listed;
            for (const wamp::Dict &d : list) {
                const quint64 id = d.value(QStringLiteral("session")).toUInt64().value_or(0);
                listed.insert(id);
                if (!self->m_sessionChurn.gone.contains(id))
                    self->addSessionRow(d);
            }
            dropUnlisted(self->m_sessions, listed, self->m_sessionChurn);
            self->updateCounts();
        },
        fail);
    m_meta->fetchSubscriptions(
        [self, stale](const QList<MetaSubscription> &list) {
            if (stale())
                return;
            QSet<quint64> listed;
            for (const MetaSubscription &s : list) {
                listed.insert(s.id);
                if (self->m_subscriptionChurn.gone.contains(s.id))
                    continue;
                self->addSubscriptionRow(s);
                self->m_subscribers[s.id] = QSet<quint64>(s.subscribers.cbegin(), s.subscribers.cend());
            }
            dropUnlisted(self->m_subscriptions, listed, self->m_subscriptionChurn);
            self->updateCounts();
        },
        fail);
    m_meta->fetchRegistrations(
        [self, stale](const QList<MetaRegistration> &list) {
            if (stale())
                return;
            QSet<quint64> listed;
            for (const MetaRegistration &r : list) {
                listed.insert(r.id);
                if (self->m_registrationChurn.gone.contains(r.id))
                    continue;
                self->addRegistrationRow(r);
                self->m_callees[r.id] = QSet<quint64>(r.callees.cbegin(), r.callees.cend());
            }
            dropUnlisted(self->m_registrations, listed, self->m_registrationChurn);
            self->updateCounts();
        },
        fail);
}

void MetaMonitor::killSession(quint64 sessionId)
{
    if (!m_meta)
        return;
    QPointer<MetaMonitor> self(this);
    m_meta->killSession(
        sessionId, QString(), tr("killed from Wampscope"),
        [self, sessionId]() {
            if (self)
                self->setStatus(tr("Session %1 killed.").arg(sessionId));
        },
        [self, sessionId](const session::WampError &e) {
            if (self)
                self->setStatus(tr("Could not kill session %1: %2").arg(sessionId).arg(e.toString()));
        });
}

QTreeWidgetItem *MetaMonitor::find(QTreeWidget *tree, quint64 id)
{
    const QString key = QString::number(id);
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0) == key)
            return tree->topLevelItem(i);
    }
    return nullptr;
}

void MetaMonitor::dropUnlisted(QTreeWidget *tree, const QSet<quint64> &listed, const Churn &churn)
{
    for (int i = tree->topLevelItemCount() - 1; i >= 0; --i) {
        const quint64 id = tree->topLevelItem(i)->text(0).toULongLong();
        if (!listed.contains(id) && !churn.added.contains(id))
            delete tree->topLevelItem(i);
    }
}

void MetaMonitor::addSessionRow(const wamp::Dict &d)
{
    const quint64 id = d.value(QStringLiteral("session")).toUInt64().value_or(0);
    if (!id)
        return;
    delete find(m_sessions, id);
    const wamp::Value transport = d.value(QStringLiteral("transport"));
    auto *item = new Item(m_sessions, {QString::number(id), d.value(QStringLiteral("authid")).toString(),
                                       d.value(QStringLiteral("authrole")).toString(),
                                       d.value(QStringLiteral("authmethod")).toString(),
                                       d.value(QStringLiteral("serializer")).toString(),
                                       transport[QStringLiteral("channel_framing")].toString(),
                                       transport[QStringLiteral("peer")].toString()});
    if (m_session && id == m_session->sessionId())
        item->setToolTip(0, tr("This is the session the monitor uses."));
}

void MetaMonitor::addSubscriptionRow(const MetaSubscription &s)
{
    delete find(m_subscriptions, s.id);
    new Item(m_subscriptions, {QString::number(s.id), s.uri, s.match, QString::number(s.subscribers.size())});
}

void MetaMonitor::addRegistrationRow(const MetaRegistration &r)
{
    delete find(m_registrations, r.id);
    new Item(m_registrations, {QString::number(r.id), r.uri, r.match, r.invoke, QString::number(r.callees.size())});
}

void MetaMonitor::updateCounts()
{
    for (int i = 0; i < m_subscriptions->topLevelItemCount(); ++i) {
        QTreeWidgetItem *it = m_subscriptions->topLevelItem(i);
        it->setText(3, QString::number(m_subscribers.value(it->text(0).toULongLong()).size()));
    }
    for (int i = 0; i < m_registrations->topLevelItemCount(); ++i) {
        QTreeWidgetItem *it = m_registrations->topLevelItem(i);
        it->setText(4, QString::number(m_callees.value(it->text(0).toULongLong()).size()));
    }
    m_tabs->setTabText(0, tr("Sessions (%1)").arg(sessionCount()));
    m_tabs->setTabText(1, tr("Subscriptions (%1)").arg(subscriptionCount()));
    m_tabs->setTabText(2, tr("Registrations (%1)").arg(registrationCount()));
    setStatus(tr("Live from the WAMP meta API (wamp.session.*, wamp.subscription.*, wamp.registration.*)."));
}

void MetaMonitor::clearLists()
{
    m_sessions->clear();
    m_subscriptions->clear();
    m_registrations->clear();
    m_subscribers.clear();
    m_callees.clear();
    m_kill->setEnabled(false);
    m_tabs->setTabText(0, tr("Sessions"));
    m_tabs->setTabText(1, tr("Subscriptions"));
    m_tabs->setTabText(2, tr("Registrations"));
}

void MetaMonitor::setStatus(const QString &text)
{
    m_status->setText(text);
}

QString MetaMonitor::statusText() const
{
    return m_status->text();
}

int MetaMonitor::sessionCount() const
{
    return m_sessions->topLevelItemCount();
}

int MetaMonitor::subscriptionCount() const
{
    return m_subscriptions->topLevelItemCount();
}

int MetaMonitor::registrationCount() const
{
    return m_registrations->topLevelItemCount();
}

} // namespace wb::ui
