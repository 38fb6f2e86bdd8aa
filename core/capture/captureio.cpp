// SPDX-License-Identifier: GPL-3.0-or-later
#include "capture/captureio.h"

#include "capture/formats/formats.h"
#include "capture/redaction.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace wb::capture {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("wb::capture::CaptureIo", text);
}

/// Redacts what goes through it, then hands it to the real writer.
class RedactingWriter final : public CaptureWriter
{
public:
    explicit RedactingWriter(std::unique_ptr<CaptureWriter> inner) : m_inner(std::move(inner)) {}
    bool open(const QString &path, QString *error) override { return m_inner->open(path, error); }
    bool finish(QString *error) override { return m_inner->finish(error); }
    quint64 messagesWritten() const override { return m_inner->messagesWritten(); }
    void connectionChanged(const ConnectionInfo &info) override
    {
        ConnectionInfo copy = info;
        redactConnection(copy);
        m_inner->connectionChanged(copy);
    }
    void messageRecorded(const RecordedMessage &message) override
    {
        if (message.kind == RecordKind::Message && isAuthMessage(message)) {
            RecordedMessage copy = message;
            redactMessage(copy);
            m_inner->messageRecorded(copy);
            return;
        }
        m_inner->messageRecorded(message);
    }

private:
    /// Cheap pre-check so that the common case (not an auth message) costs no copy.
    static bool isAuthMessage(const RecordedMessage &m)
    {
        if (m.message.isValid()) {
            const auto t = m.message.type();
            return t == wamp::MessageType::Hello || t == wamp::MessageType::Welcome
                || t == wamp::MessageType::Challenge || t == wamp::MessageType::Authenticate;
        }
        return true; // undecoded: let redactMessage() look
    }
    std::unique_ptr<CaptureWriter> m_inner;
};

} // namespace

QString formatName(CaptureFormat format)
{
    switch (format) {
    case CaptureFormat::Native: return QStringLiteral("native");
    case CaptureFormat::Jsonl: return QStringLiteral("jsonl");
    case CaptureFormat::Har: return QStringLiteral("har");
    case CaptureFormat::Pcapng: return QStringLiteral("pcapng");
    }
    return {};
}

std::optional<CaptureFormat> formatFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == u"native" || n == u"wscap")
        return CaptureFormat::Native;
    if (n == u"jsonl" || n == u"json-lines" || n == u"ndjson")
        return CaptureFormat::Jsonl;
    if (n == u"har")
        return CaptureFormat::Har;
    if (n == u"pcapng" || n == u"pcap")
        return CaptureFormat::Pcapng;
    return std::nullopt;
}

bool canRead(CaptureFormat format)
{
    return format != CaptureFormat::Pcapng;
}

std::optional<CaptureFormat> detectFormat(const QString &path)
{
    QFile f(path);
    if (f.open(QIODevice::ReadOnly)) {
        const QByteArray head = f.read(4096);
        if (formats::looksNative(head))
            return CaptureFormat::Native;
        if (formats::looksPcapng(head))
            return CaptureFormat::Pcapng;
        if (formats::looksHar(head))
            return CaptureFormat::Har;
        if (formats::looksJsonl(head))
            return CaptureFormat::Jsonl;
    }
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"wscap")
        return CaptureFormat::Native;
    if (suffix == u"jsonl" || suffix == u"ndjson")
        return CaptureFormat::Jsonl;
    if (suffix == u"har")
        return CaptureFormat::Har;
    if (suffix == u"pcapng")
        return CaptureFormat::Pcapng;
    return std::nullopt;
}

std::unique_ptr<CaptureWriter> createWriter(CaptureFormat format, const ExportOptions &options)
{
    std::unique_ptr<CaptureWriter> w;
    switch (format) {
    case CaptureFormat::Native: w = formats::createNativeWriter(); break;
    case CaptureFormat::Jsonl: w = formats::createJsonlWriter(); break;
    case CaptureFormat::Har: w = formats::createHarWriter(); break;
    case CaptureFormat::Pcapng: w = formats::createPcapngWriter(); break;
    }
    if (w && !options.keepSecrets)
        w = std::make_unique<RedactingWriter>(std::move(w));
    return w;
}

ReadResult readCapture(const QString &path, TrafficSink *sink, const ProgressFn &progress,
                       std::optional<CaptureFormat> format)
{
    ReadResult r;
    if (!format)
        format = detectFormat(path);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        r.ok = false;
        r.error = tr("cannot open %1: %2").arg(path, f.errorString());
        return r;
    }
    if (!format) {
        r.ok = false;
        r.error = tr("%1: not a capture file this program reads (native .wscap, JSON Lines or HAR)").arg(path);
        return r;
    }
    switch (*format) {
    case CaptureFormat::Native: return formats::readNative(f, sink, progress);
    case CaptureFormat::Jsonl: return formats::readJsonl(f, sink, progress);
    case CaptureFormat::Har: return formats::readHar(f, sink, progress);
    case CaptureFormat::Pcapng: break;
    }
    r.ok = false;
    r.error = tr("%1: pcapng captures are written for Wireshark; they cannot be opened here (use the native, "
                 "JSON Lines or HAR form)").arg(path);
    return r;
}

} // namespace wb::capture
