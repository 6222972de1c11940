"""Media: uploads (limits, sniffing, names, voice notes) and GET .../media (headers, Range),
through the app factory on both stores; real ffmpeg/ffprobe, real libmagic."""
import glob
import io
import os
import tempfile

import pytest

from tests.util import PDF, PEER, create, ffprobe, image_bytes, insert, scan, sent_log, stored
from wildcat import file_names, media


def upload(client, kind, data, filename="file.bin", account_id="mybot", **fields):
    form = {"to": PEER, **fields}
    if data is not None:
        form[kind] = (io.BytesIO(data), filename)
    return client.post(f"/accounts/{account_id}/message/send/{kind}", data=form,
                       content_type="multipart/form-data")


@pytest.fixture(autouse=True)
def own_temp_dir(tmp_path, monkeypatch):
    """Uploads spool into this test's own temp dir: other runs on the machine use /tmp too."""
    path = tmp_path / "tmp"
    path.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(path))


def spool_files():
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "wildcat-upload-*")))


# -- round trips ----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,mimetype,ext", [("PNG", "image/png", ".png"),
                                              ("JPEG", "image/jpeg", ".jpg"),
                                              ("GIF", "image/gif", ".gif")])
def test_image_round_trip(client, runtime, account, fmt, mimetype, ext):
    data = image_bytes(fmt)
    response = upload(client, "image", data, f"photo{ext}", caption="Check out this photo!")
    assert response.status_code == 200, response.json
    assert set(response.json) == {"ok", "messageId"}
    message_id = response.json["messageId"]

    msg = stored(client, message_id)
    assert msg["type"] == "image" and msg["hasMedia"] is True and msg["fromMe"] is True
    assert msg["mimetype"] == mimetype and msg["fileLength"] == len(data)
    assert msg["fileName"] == f"photo{ext}" and msg["caption"] == "Check out this photo!"
    assert msg["status"] == "sent" and msg["mediaId"]
    assert msg["mediaUrl"] == f"/accounts/mybot/messages/{message_id}/media"
    out = sent_log(client)[-1]
    assert out["type"] == "image" and out["mediaSize"] == len(data)
    assert out["mimetype"] == mimetype and out["caption"] == "Check out this photo!"

    got = client.get(f"/accounts/mybot/messages/{message_id}/media")
    assert got.status_code == 200 and got.data == data
    assert got.headers["Content-Type"] == mimetype
    assert got.headers["Content-Length"] == str(len(data))
    assert got.headers["Content-Disposition"] == f'inline; filename="photo{ext}"'
    assert got.headers["Accept-Ranges"] == "bytes"
    by_media_id = client.get(f"/accounts/mybot/messages/{msg['mediaId']}/media")
    assert by_media_id.status_code == 200 and by_media_id.data == data
    assert by_media_id.headers["Content-Type"] == mimetype


def test_range_requests(client, account):
    data = image_bytes("PNG", (400, 300)) + bytes(range(256)) * 4000
    message_id = upload(client, "document", data, "blob.bin").json["messageId"]
    url = f"/accounts/mybot/messages/{message_id}/media"
    size = len(data)
    for header, start, end in (("bytes=0-99", 0, 99), ("bytes=100-", 100, size - 1),
                               ("bytes=-500", size - 500, size - 1),
                               (f"bytes=10-{size + 1000}", 10, size - 1),
                               (f"bytes={size - 1}-", size - 1, size - 1)):
        got = client.get(url, headers={"Range": header})
        assert got.status_code == 206, header
        assert got.data == data[start:end + 1]
        assert got.headers["Content-Range"] == f"bytes {start}-{end}/{size}"
        assert got.headers["Content-Length"] == str(end - start + 1)
    got = client.get(url, headers={"Range": f"bytes={size}-"})
    assert got.status_code == 416 and got.headers["Content-Range"] == f"bytes */{size}"
    assert got.json["code"] == "range_not_satisfiable"
    for ignored in ("bytes=5-2", "items=0-5", "bytes=0-1,5-9"):
        got = client.get(url, headers={"Range": ignored})
        assert got.status_code == 200 and got.data == data
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"Range": "bytes=0-9", "If-Range": etag}).status_code == 206
    assert client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"x"'}).status_code == 200


def test_video_and_plain_audio(client, account, mp4, mp3):
    response = upload(client, "video", mp4, "clip.mp4", caption="Check this video out!")
    message_id = response.json["messageId"]
    msg = stored(client, message_id)
    assert msg["type"] == "video" and msg["mimetype"] == "video/mp4"
    assert client.get(f"/accounts/mybot/messages/{message_id}/media").data == mp4
    response = upload(client, "audio", mp3, "song.mp3")
    assert response.status_code == 200, response.json
    msg = stored(client, response.json["messageId"])
    assert msg["type"] == "audio" and msg["mimetype"] == "audio/mpeg"
    assert msg["fileLength"] == len(mp3) and "ptt" not in msg
    assert sent_log(client)[-1]["ptt"] is False
    assert client.get(f"/accounts/mybot/messages/{msg['messageId']}/media").data == mp3


def test_voice_note_converted_to_opus(client, account, mp3):
    before = spool_files()
    response = upload(client, "audio", mp3, "memo.mp3", ptt="true")
    assert response.status_code == 200, response.json
    msg = stored(client, response.json["messageId"])
    assert msg["type"] == "voice" and msg["ptt"] is True
    assert msg["mimetype"] == "audio/ogg; codecs=opus" and msg["fileName"] == "memo.ogg"
    out = sent_log(client)[-1]
    assert out["ptt"] is True and out["mimetype"] == "audio/ogg; codecs=opus"
    got = client.get(f"/accounts/mybot/messages/{msg['messageId']}/media")
    assert got.headers["Content-Type"] == "audio/ogg; codecs=opus"
    assert len(got.data) == msg["fileLength"] == out["mediaSize"]
    probe = ffprobe(got.data)
    [stream] = probe["streams"]
    assert stream["codec_name"] == "opus" and stream["channels"] == 1
    assert stream["sample_rate"] == "48000" and probe["format"]["format_name"] == "ogg"
    assert 0.8 < float(probe["format"]["duration"]) < 1.3
    assert spool_files() == before          # upload and converted temp files removed


def test_voice_note_without_ffmpeg_or_with_bad_audio(client, runtime, account, mp3, monkeypatch):
    monkeypatch.setattr(media, "FFMPEG", "/nonexistent/ffmpeg")
    response = upload(client, "audio", mp3, "memo.mp3", ptt="true")
    assert response.status_code == 503 and response.json["code"] == "ffmpeg_missing"
    assert "ffmpeg" in response.json["error"]
    monkeypatch.undo()
    garbage = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 2000
    response = upload(client, "audio", garbage, "broken.mp3", ptt="1")
    assert response.status_code == 400 and response.json["code"] == "invalid_audio"
    assert sent_log(client) == [] and runtime.store.count_messages("mybot") == 0


def test_document_with_file_name_and_caption(client, account):
    response = upload(client, "document", PDF, "scan.pdf", caption="Your invoice",
                      fileName="Invoice März 2025.pdf")
    assert response.status_code == 200, response.json
    msg = stored(client, response.json["messageId"])
    assert msg["type"] == "document" and msg["mimetype"] == "application/pdf"
    assert msg["fileName"] == "Invoice März 2025.pdf" and msg["caption"] == "Your invoice"
    out = sent_log(client)[-1]
    assert out["fileName"] == "Invoice März 2025.pdf" and out["mediaSize"] == len(PDF)
    got = client.get(f"/accounts/mybot/messages/{msg['messageId']}/media")
    assert got.data == PDF and got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"] == (
        "attachment; filename=\"Invoice Mrz 2025.pdf\"; "
        "filename*=UTF-8''Invoice%20M%C3%A4rz%202025.pdf")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    csv = upload(client, "document", b"a,b\n1,2\n", "table.csv").json["messageId"]
    assert stored(client, csv)["mimetype"] == "text/csv"


def test_file_names_are_sanitised(client, account):
    # The name is read from the part's header by our code (wildcat/file_names.py), not taken
    # from Werkzeug, whose 3.1.9 drops the backslashes of a Windows path ("C:tempx.png").
    for given, expected in (("../../etc/evil.png", "evil.png"), ("C:\\temp\\x.png", "x.png"),
                            ("a\x00b\u202e.png", "ab.png"), ("...", "image.png"),
                            ("we<i>rd:name?|*.png", "we_i_rd_name___.png")):
        message_id = upload(client, "image", image_bytes(), given).json["messageId"]
        assert stored(client, message_id)["fileName"] == expected, given
    response = upload(client, "document", PDF, "x.pdf", fileName="../secret/x.pdf")
    message_id = response.json["messageId"]
    assert stored(client, message_id)["fileName"] == "x.pdf"
    response = upload(client, "document", PDF, "x.pdf", fileName="C:\\temp\\y.pdf")
    assert stored(client, response.json["messageId"])["fileName"] == "y.pdf"   # a form field


def raw_upload(client, disposition: bytes, data, kind="image"):
    """A multipart body written by hand, so the Content-Disposition bytes are exactly these."""
    boundary = b"wildcat-test-boundary"
    body = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="to"\r\n\r\n'
            + PEER.encode() + b"\r\n--" + boundary + b"\r\nContent-Disposition: "
            + disposition + b"\r\nContent-Type: application/octet-stream\r\n\r\n" + data
            + b"\r\n--" + boundary + b"--\r\n")
    return client.post(f"/accounts/mybot/message/send/{kind}", data=body,
                       content_type="multipart/form-data; boundary=" + boundary.decode())


@pytest.mark.parametrize("disposition,expected", [
    # Browsers, curl and urllib3 send a Windows path raw; older Werkzeug kept the backslashes,
    # 3.1.9 drops them: the stored name must be the same on both.
    (rb'form-data; name="image"; filename="C:\temp\x.png"', "x.png"),
    (rb'form-data; name="image"; filename="\\server\share\y.png"', "y.png"),
    (rb'form-data; filename="C:\a\z.png"; name="image"', "z.png"),
    (rb'form-data; name="image"; filename="say %22hi%22.png"', "say _hi_.png"),
    (rb'form-data; name="image"; filename="say \"hi\".png"', "say _hi_.png"),
    (rb'form-data; name="image"; filename="a%0Ab%0D.png"', "ab.png"),
    (rb'form-data; name="image"; filename=plain.png', "plain.png"),
    ('form-data; name="image"; filename="\u00fcber.png"'.encode(), "\u00fcber.png"),
    (b"form-data; name=\"image\"; filename=\"fallback.png\"; "
     b"filename*=UTF-8''%E2%82%AC%20r%C3%A9sum%C3%A9.png", "\u20ac r\u00e9sum\u00e9.png"),
    (rb'form-data; name="image"; filename="' + b"x" * 300 + b'.png"', "x" * 196 + ".png"),
    ('form-data; name="image"; filename="'.encode() + "\u00e9".encode() * 150 + b'.png"',
     "\u00e9" * 98 + ".png"),
])
def test_file_name_is_read_from_the_part_header(client, account, disposition, expected):
    response = raw_upload(client, disposition, image_bytes())
    assert response.status_code == 200, response.json
    assert stored(client, response.json["messageId"])["fileName"] == expected


def test_part_filename_parsing():
    part = file_names.part_filename
    assert part('form-data; name="a; filename=evil.png"; filename="real.png"') == "real.png"
    assert part('form-data; name="image"') is None
    assert part("form-data; name=image; FILENAME=Up.PNG") == "Up.PNG"
    assert part("form-data; filename*=utf-8''%C3%BC.png") == "\u00fc.png"
    assert part("form-data; filename=\"b.png\"; filename*=koi8-r''x.png") == "b.png"
    assert part(None) is None


# -- refusals -------------------------------------------------------------------------------
def test_sniffed_type_must_fit_the_endpoint(client, runtime, account, mp3):
    for kind, data in (("image", PDF), ("image", mp3), ("video", image_bytes()),
                       ("audio", PDF), ("image", b"<svg xmlns='http://www.w3.org/2000/svg'/>")):
        response = upload(client, kind, data, "disguised.png")
        assert response.status_code == 415, kind
        assert response.json["code"] == "unsupported_media_type"
    assert sent_log(client) == [] and runtime.store.count_messages("mybot") == 0


def test_upload_field_errors(client, account):
    response = upload(client, "image", b"", "empty.png")
    assert response.status_code == 400 and response.json["code"] == "empty_file"
    response = upload(client, "image", None)
    assert response.status_code == 400 and response.json["error"] == "image file is required"
    response = upload(client, "image", image_bytes(), to="not-a-jid")
    assert response.status_code == 400 and response.json["code"] == "validation_error"
    response = upload(client, "image", image_bytes(), unknown="x")
    assert response.status_code == 400
    response = upload(client, "audio", image_bytes(), caption="audio has none")
    assert response.status_code == 400
    response = upload(client, "audio", image_bytes(), ptt="maybe")
    assert response.status_code == 400 and response.json["error"] == "ptt must be true or false"
    response = client.post("/accounts/mybot/message/send/image", json={"to": PEER})
    assert response.status_code == 400 and response.json["code"] == "invalid_content_type"
    # (stickers have their own route since issue 11; a kind nobody serves is 404)
    response = client.post("/accounts/mybot/message/send/gif", data={"to": PEER})
    assert response.status_code == 404
    form = {"image": (io.BytesIO(image_bytes()), "a.png")}
    response = client.post("/accounts/mybot/message/send/image", data=form)
    assert response.status_code == 400 and response.json["error"] == "to is required"
    assert sent_log(client) == []


def test_not_connected_upload_is_409(client):
    create(client)
    response = upload(client, "image", image_bytes())
    assert response.status_code == 409 and response.json["code"] == "account_not_connected"


def test_size_limit(make_app, store_kind):
    app = make_app(store_kind, max_upload_mb=1)
    client, runtime = app.test_client(), app.extensions["wildcat"]
    create(client)
    scan(client)
    limit = 1024 * 1024
    before = spool_files()
    exact = b"%PDF-1.4\n" + b"\0" * (limit - 9)
    assert upload(client, "document", exact, "exact.pdf").status_code == 200
    response = upload(client, "document", exact + b"\0", "over.pdf")
    assert response.status_code == 413 and response.json["code"] == "payload_too_large"
    assert response.json["details"] == {"maxBytes": limit}
    assert spool_files() == before
    assert runtime.store.count_messages("mybot") == 1


class CountingStream(io.BytesIO):
    """A request body that remembers whether anything read it."""
    touched = False

    def read(self, *args):
        CountingStream.touched = True
        return super().read(*args)

    readline = read


def test_declared_length_refused_before_reading(make_app, store_kind):
    app = make_app(store_kind, max_upload_mb=1)
    client = app.test_client()
    create(client)
    scan(client)
    body = CountingStream(b"--x\r\n")
    response = client.post("/accounts/mybot/message/send/image", input_stream=body,
                           content_type="multipart/form-data; boundary=x",
                           environ_overrides={"CONTENT_LENGTH": str(3 * 1024 * 1024)})
    assert response.status_code == 413 and response.json["code"] == "payload_too_large"
    assert CountingStream.touched is False


def test_media_driver_failure_leaves_nothing(make_app, store_kind, rejecting_sandbox):
    app = make_app(store_kind, driver=rejecting_sandbox)
    client, runtime = app.test_client(), app.extensions["wildcat"]
    create(client)
    scan(client)
    response = upload(client, "image", image_bytes(), to="19990000000")
    assert response.status_code == 502 and response.json["code"] == "send_failed"
    assert runtime.store.count_messages("mybot") == 0
    # the blob written before the send was removed again
    assert upload(client, "image", image_bytes()).status_code == 200
    msg = runtime.store.list_messages("mybot", PEER)[0]
    assert runtime.store.open_media(msg["mediaId"]) is not None


# -- GET media edge cases -------------------------------------------------------------------
def test_media_errors(client, runtime, account):
    insert(runtime, "3EB0TEXT")
    response = client.get("/accounts/mybot/messages/3EB0TEXT/media")
    assert response.status_code == 404
    assert response.json == {"ok": False, "error": "No media in message", "code": "no_media"}
    response = client.get("/accounts/mybot/messages/3EB0NOPE/media")
    assert response.status_code == 404 and response.json["error"] == "Message not found"


def test_media_downloaded_again_when_eager_download_failed(client, runtime, account):
    data = image_bytes("JPEG")
    insert(runtime, "3EB0NOBLOB", type="image", hasMedia=True, mimetype="image/jpeg",
           fileName="late.jpg", caption="late", text="late")
    runtime.driver.hold_media("3EB0NOBLOB", data)     # the media WhatsApp's servers still hold
    got = client.get("/accounts/mybot/messages/3EB0NOBLOB/media")
    assert got.status_code == 200 and got.data == data
    assert got.headers["Content-Type"] == "image/jpeg"
    msg = stored(client, "3EB0NOBLOB")
    assert msg["mediaId"] and msg["fileLength"] == len(data)
    runtime.driver.forget_media("3EB0NOBLOB")          # now served from the store
    assert client.get(f"/accounts/mybot/messages/{msg['mediaId']}/media").data == data

    insert(runtime, "3EB0EXPIRED", type="image", hasMedia=True, mimetype="image/jpeg")
    response = client.get("/accounts/mybot/messages/3EB0EXPIRED/media")
    assert response.status_code == 502 and response.json["code"] == "media_unavailable"
    assert client.post("/accounts/mybot/disconnect").status_code == 200
    response = client.get("/accounts/mybot/messages/3EB0EXPIRED/media")
    assert response.status_code == 409 and response.json["code"] == "account_not_connected"


def test_media_of_other_account_is_not_served(client, runtime, account):
    message_id = upload(client, "image", image_bytes()).json["messageId"]
    media_id = stored(client, message_id)["mediaId"]
    create(client, "other")
    assert client.get(f"/accounts/other/messages/{media_id}/media").status_code == 404
    assert client.get(f"/accounts/other/messages/{message_id}/media").status_code == 404


def test_head_media(client, account):
    data = image_bytes()
    message_id = upload(client, "image", data).json["messageId"]
    head = client.head(f"/accounts/mybot/messages/{message_id}/media")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(data))


def test_spool_cleanup_on_parse_errors(client, account):
    before = spool_files()
    body = b"--x\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n" + \
        image_bytes()          # never terminated
    response = client.post("/accounts/mybot/message/send/image", data=body,
                           content_type="multipart/form-data; boundary=x")
    assert response.status_code == 400
    assert spool_files() == before


def test_voice_note_conversion_timeout_cleans_up(mp3):
    from wildcat.errors import ApiError
    before = spool_files()
    spool = media.SpoolFile(10 * 1024 * 1024)
    spool.write(mp3)
    spool.flush()
    upload_ = media.Upload(spool, "memo.mp3", "audio/mpeg")
    with pytest.raises(ApiError) as caught:
        media.to_voice_note(upload_, timeout=0.001)
    assert caught.value.status == 503 and caught.value.code == "conversion_timeout"
    upload_.close()
    assert spool_files() == before
