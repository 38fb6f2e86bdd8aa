// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Live sessions, subscriptions and registrations of a router, fed only by the WAMP meta API
// (wamp.session.list/get, wamp.subscription.*, wamp.registration.* and their on_* events) through a
// connection's session, so it works against any router that offers the meta API. Kill a session with
// wamp.session.kill. Starts when first shown (no meta traffic for tabs nobody looks at).

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QWidget>

class QLabel;
class QPushButton;
class QTabWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace wb::session {
class MetaClient;
class Session;
struct MetaSubscription;
struct MetaRegistration;
} // namespace wb::session

namespace wb::wamp {
class Value;
}

namespace wb::ui {

class MetaMonitor : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetaMonitor)
public:
    explicit MetaMonitor(session::Session *session, QWidget *parent = nullptr);

    /// Follow another session (e.g. another connection to the same router); nullptr: nothing.
    void setSession(session::Session *session);
    session::Session *session() const { return m_session; }

    /// Start fetching and watching (also happens on first show). Idempotent.
    void activate();
    bool isActive() const { return m_active; }
    /// Fetch the three lists again.
    void refresh();
    /// wamp.session.kill for \a sessionId.
    void killSession(quint64 sessionId);

    int sessionCount() const;
    int subscriptionCount() const;
    int registrationCount() const;
    QString statusText() const;
    QTreeWidget *sessionsView() const { return m_sessions; }
    QTreeWidget *subscriptionsView() const { return m_subscriptions; }
    QTreeWidget *registrationsView() const { return m_registrations; }

protected:
    void showEvent(QShowEvent *event) override;

private:
    void start();
    void clearLists();
    void setStatus(const QString &text);
    void addSessionRow(const QMap<QString, wamp::Value> &details);
    void addSubscriptionRow(const session::MetaSubscription &s);
    void addRegistrationRow(const session::MetaRegistration &r);
    void updateCounts();
    static QTreeWidgetItem *find(QTreeWidget *tree, quint64 id);

    /// What the meta events said about one list while a reload (list + get calls) was under way. A reload's answer
    /// is a snapshot from when the router answered its calls; events that arrived after that are newer, so a row
    /// deleted meanwhile must not come back, and a row created meanwhile must not vanish.
    struct Churn
    {
        QSet<quint64> added;
        QSet<quint64> gone;
        void add(quint64 id) { gone.remove(id); added.insert(id); }
        void remove(quint64 id) { added.remove(id); gone.insert(id); }
    };
    /// Drops the rows of \a tree that are neither in \a listed nor created since the reload began.
    static void dropUnlisted(QTreeWidget *tree, const QSet<quint64> &listed, const Churn &churn);

    QPointer<session::Session> m_session;
    session::MetaClient *m_meta = nullptr;
    bool m_active = false;
    quint64 m_generation = 0;
    QHash<quint64, QSet<quint64>> m_subscribers; ///< subscription -> sessions
    QHash<quint64, QSet<quint64>> m_callees;     ///< registration -> sessions
    Churn m_sessionChurn, m_subscriptionChurn, m_registrationChurn; ///< since the last refresh() began

    QLabel *m_status;
    QPushButton *m_refresh;
    QPushButton *m_kill;
    QTabWidget *m_tabs;
    QTreeWidget *m_sessions;
    QTreeWidget *m_subscriptions;
    QTreeWidget *m_registrations;
};

} // namespace wb::ui
