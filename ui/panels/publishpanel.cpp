// SPDX-License-Identifier: GPL-3.0-or-later
#include "panels/publishpanel.h"

#include "views/jsoneditor.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

namespace wb::ui {

PublishPanel::PublishPanel(session::Session *session, QWidget *parent)
    : QWidget(parent), m_session(session), m_timer(new QTimer(this))
{
    m_topic = new QLineEdit(this);
    m_topic->setPlaceholderText(tr("topic, e.g. com.example.sensors.t1"));
    m_args = new JsonEditor(JsonEditor::Expect::Array, this);
    m_args->setPlaceholderText(tr("args: a JSON array, e.g. [21.5]"));
    m_kwargs = new JsonEditor(JsonEditor::Expect::Object, this);
    m_kwargs->setPlaceholderText(tr("kwargs: a JSON object, e.g. {\"unit\": \"C\"}"));
    m_ack = new QCheckBox(tr("acknowledge"), this);
    m_excludeMe = new QCheckBox(tr("exclude_me"), this);
    m_excludeMe->setChecked(true);
    m_excludeMe->setToolTip(tr("Do not deliver to this session's own subscriptions (the WAMP default)"));
    m_disclose = new QCheckBox(tr("disclose_me"), this);
    m_eligible = new QLineEdit(this);
    m_eligible->setPlaceholderText(tr("eligible session ids (only these receive)"));
    m_exclude = new QLineEdit(this);
    m_exclude->setPlaceholderText(tr("excluded session ids"));
    m_count = new QSpinBox(this);
    m_count->setRange(0, 100000000);
    m_count->setValue(1);
    m_count->setSpecialValueText(tr("until stopped"));
    m_interval = new QSpinBox(this);
    m_interval->setRange(0, 3600000);
    m_interval->setSuffix(tr(" ms"));
    m_interval->setSpecialValueText(tr("no delay"));
    m_publishBtn = new QPushButton(tr("&Publish"), this);
    m_publishBtn->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_stopBtn = new QPushButton(tr("Stop"), this);
    m_status = new QLabel(this);
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #c02020"));
    m_error->setWordWrap(true);
    m_error->hide();

    auto *topicRow = new QHBoxLayout;
    topicRow->addWidget(new QLabel(tr("Topic:"), this));
    topicRow->addWidget(m_topic, 1);
    auto *editors = new QSplitter(Qt::Horizontal, this);
    editors->addWidget(m_args);
    editors->addWidget(m_kwargs);
    auto *opts = new QHBoxLayout;
    opts->addWidget(m_ack);
    opts->addWidget(m_excludeMe);
    opts->addWidget(m_disclose);
    opts->addWidget(m_eligible, 1);
    opts->addWidget(m_exclude, 1);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Repeat"), this));
    runRow->addWidget(m_count);
    runRow->addWidget(new QLabel(tr("times, every"), this));
    runRow->addWidget(m_interval);
    runRow->addStretch(1);
    runRow->addWidget(m_publishBtn);
    runRow->addWidget(m_stopBtn);
    auto *lay = new QVBoxLayout(this);
    lay->addLayout(topicRow);
    lay->addWidget(editors, 1);
    lay->addLayout(opts);
    lay->addLayout(runRow);
    lay->addWidget(m_error);
    lay->addWidget(m_status);

    connect(m_publishBtn, &QPushButton::clicked, this, [this] { publish(); });
    connect(m_topic, &QLineEdit::returnPressed, this, [this] { publish(); });
    connect(m_stopBtn, &QPushButton::clicked, this, &PublishPanel::stop);
    connect(m_timer, &QTimer::timeout, this, &PublishPanel::tick);
    connect(m_args, &JsonEditor::validityChanged, this, &PublishPanel::updateEnabled);
    connect(m_kwargs, &JsonEditor::validityChanged, this, &PublishPanel::updateEnabled);
    if (m_session) {
        connect(m_session, &session::Session::stateChanged, this, [this] {
            if (!m_session->isJoined())
                stop();
            updateEnabled();
        });
    }
    setFocusProxy(m_topic);
    updateEnabled();
    updateStatus();
}

void PublishPanel::setTopic(const QString &topic) { m_topic->setText(topic); }
void PublishPanel::setArgsText(const QString &json) { m_args->setText(json); }
void PublishPanel::setKwargsText(const QString &json) { m_kwargs->setText(json); }
void PublishPanel::setAcknowledge(bool on) { m_ack->setChecked(on); }
void PublishPanel::setExcludeMe(bool on) { m_excludeMe->setChecked(on); }
void PublishPanel::setDiscloseMe(bool on) { m_disclose->setChecked(on); }
void PublishPanel::setEligible(const QString &ids) { m_eligible->setText(ids); }
void PublishPanel::setExclude(const QString &ids) { m_exclude->setText(ids); }

void PublishPanel::setRepeat(int count, int intervalMs)
{
    m_count->setValue(count);
    m_interval->setValue(intervalMs);
}

bool PublishPanel::isRunning() const
{
    return m_timer->isActive();
}

void PublishPanel::updateEnabled()
{
    const bool joined = m_session && m_session->isJoined();
    m_publishBtn->setEnabled(joined && !isRunning() && m_args->isValid() && m_kwargs->isValid());
    m_stopBtn->setEnabled(isRunning());
}

void PublishPanel::setError(const QString &e)
{
    m_lastError = e;
    m_error->setText(e);
    m_error->setVisible(!e.isEmpty());
}

QString PublishPanel::statusText() const
{
    return m_status->text();
}

void PublishPanel::updateStatus()
{
    QString s = tr("%1 published").arg(m_sent);
    if (m_acked || m_ack->isChecked())
        s += tr(", %1 acknowledged").arg(m_acked);
    if (m_errors)
        s += tr(", %1 failed").arg(m_errors);
    if (m_lastPublication)
        s += tr(" — last publication id %1").arg(m_lastPublication);
    if (isRunning())
        s += m_remaining < 0 ? tr(" — running until stopped") : tr(" — %1 to go").arg(m_remaining);
    m_status->setText(s);
}

Result<wamp::List> PublishPanel::parseIds(const QString &text, const QString &what)
{
    wamp::List ids;
    static const QRegularExpression sep(QStringLiteral("[\\s,;]+"));
    for (const QString &part : text.split(sep, Qt::SkipEmptyParts)) {
        bool ok = false;
        const quint64 id = part.toULongLong(&ok);
        if (!ok || id == 0)
            return Result<wamp::List>::failure(QStringLiteral("ids"), tr("%1: \"%2\" is not a session id").arg(what, part));
        ids.append(wamp::Value(id));
    }
    return ids;
}

bool PublishPanel::publish()
{
    setError({});
    if (!m_session || !m_session->isJoined()) {
        setError(tr("Not joined: connect first."));
        return false;
    }
    const QString topic = m_topic->text().trimmed();
    if (topic.isEmpty()) {
        setError(tr("Enter a topic."));
        return false;
    }
    if (!m_args->isValid() || !m_kwargs->isValid()) {
        setError(tr("Fix the JSON first: %1").arg(!m_args->isValid() ? tr("args ") + m_args->errorText() : tr("kwargs ") + m_kwargs->errorText()));
        return false;
    }
    const Result<wamp::List> eligible = parseIds(m_eligible->text(), tr("eligible"));
    const Result<wamp::List> exclude = parseIds(m_exclude->text(), tr("exclude"));
    if (!eligible.ok() || !exclude.ok()) {
        setError(!eligible.ok() ? eligible.errorString() : exclude.errorString());
        return false;
    }
    wamp::Dict opts;
    if (m_ack->isChecked())
        opts.insert(QStringLiteral("acknowledge"), true);
    if (!m_excludeMe->isChecked())
        opts.insert(QStringLiteral("exclude_me"), false);
    if (m_disclose->isChecked())
        opts.insert(QStringLiteral("disclose_me"), true);
    if (!eligible->isEmpty())
        opts.insert(QStringLiteral("eligible"), wamp::Value(*eligible));
    if (!exclude->isEmpty())
        opts.insert(QStringLiteral("exclude"), wamp::Value(*exclude));
    m_runTopic = topic;
    m_runArgs = m_args->value().toList();
    m_runKwargs = m_kwargs->value().toDict();
    m_runOptions = opts;
    m_remaining = m_count->value() == 0 ? -1 : m_count->value();
    m_sent = m_acked = m_errors = 0;
    m_lastPublication = 0;
    m_timer->start(m_interval->value());
    updateEnabled();
    tick(); // the first one at once
    return true;
}

void PublishPanel::stop()
{
    const bool was = isRunning();
    m_timer->stop();
    updateEnabled();
    updateStatus();
    if (was)
        emit finished();
}

void PublishPanel::tick()
{
    if (!m_session || !m_session->isJoined()) {
        stop();
        return;
    }
    const int burst = m_interval->value() > 0 ? 1 : kBurst;
    QPointer<PublishPanel> self(this);
    for (int i = 0; i < burst && m_remaining != 0; ++i) {
        m_session->publish(
            m_runTopic, m_runArgs, m_runKwargs, m_runOptions,
            [self](quint64 pub) {
                if (!self || pub == 0)
                    return;
                ++self->m_acked;
                self->m_lastPublication = pub;
                self->updateStatus();
            },
            [self](const session::WampError &e) {
                if (!self)
                    return;
                ++self->m_errors;
                self->setError(tr("Publish failed: %1").arg(e.toString()));
                self->updateStatus();
            });
        ++m_sent;
        if (m_remaining > 0)
            --m_remaining;
    }
    if (m_remaining == 0)
        stop();
    updateStatus();
}

} // namespace wb::ui
