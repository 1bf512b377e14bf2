"""Local files and streams: download_file, upload_file, a directory, fileobj transfers, presigned URLs."""

import io
import urllib.request

from behaviour_store import BUCKET


def test_download_to_a_local_file(s3_utils, tmp_path):
    data = b"\x00\x01binary\xff" * 100
    assert s3_utils.upload_binary_to_s3(BUCKET, "user_data/alice/cs101/raw.bin", data) is True
    target = tmp_path / "new" / "dir" / "raw.bin"
    assert s3_utils.download_file_from_s3(BUCKET, "user_data/alice/cs101/raw.bin", str(target)) is True
    assert target.read_bytes() == data
    assert s3_utils.download_file_from_s3(BUCKET, "user_data/alice/cs101/raw.bin", str(target)) is True
    assert target.read_bytes() == data


def test_download_faiss_index(s3_utils, tmp_path):
    assert s3_utils.upload_faiss_index_to_s3(BUCKET, b"FAISS\x00\x01", "alice", "cs101.v2") is not None
    assert s3_utils.download_faiss_index_from_s3(BUCKET, "alice", "cs101.v2", str(tmp_path)) == str(
        tmp_path / "index.faiss"
    )
    assert (tmp_path / "index.faiss").read_bytes() == b"FAISS\x00\x01"


def test_upload_a_local_file_guesses_its_content_type(s3_utils, tmp_path):
    pdf = tmp_path / "week 1.pdf"
    pdf.write_bytes(b"%PDF-1.5 one")
    odd = tmp_path / "data.unknownext"
    odd.write_bytes(b"odd")
    assert s3_utils.upload_local_file_to_s3(BUCKET, str(pdf), "user_data/alice/cs101/week 1.pdf") is True
    assert s3_utils.upload_local_file_to_s3(BUCKET, str(odd), "user_data/alice/cs101/data.unknownext") is True
    assert s3_utils.read_binary_from_s3(BUCKET, "user_data/alice/cs101/week 1.pdf") == b"%PDF-1.5 one"
    assert s3_utils.get_file_metadata(BUCKET, "user_data/alice/cs101/week 1.pdf")["content_type"] == "application/pdf"
    assert s3_utils.get_file_metadata(BUCKET, "user_data/alice/cs101/data.unknownext")["content_type"] == (
        "application/octet-stream"
    )


def test_upload_a_directory(s3_utils, tmp_path):
    files = {
        "readme.md": b"# hi",
        "slides/week1.pdf": b"%PDF w1",
        "slides/week2.pdf": b"%PDF w2",
        "slides/extra/notes.txt": "Notizen ü".encode(),
    }
    for relative, data in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(data)
    uploaded = s3_utils.upload_directory_to_s3(BUCKET, str(tmp_path), "user_data/alice/cs101/materials/")
    expected = sorted(f"user_data/alice/cs101/materials/{relative}" for relative in files)
    assert sorted(uploaded) == expected
    assert s3_utils.list_objects_in_folder(BUCKET, "user_data/alice/cs101/materials/") == expected
    for relative, data in files.items():
        key = f"user_data/alice/cs101/materials/{relative}"
        assert s3_utils.read_binary_from_s3(BUCKET, key) == data
        # upload_file without ExtraArgs stores S3's default type.
        assert s3_utils.get_file_metadata(BUCKET, key)["content_type"] == "binary/octet-stream"


def test_fileobj_transfers(s3_utils):
    assert s3_utils.upload_stream_to_s3(BUCKET, "streams/a.csv", io.BytesIO(b"x,y\n1,2\n"), "text/csv") is True
    assert s3_utils.upload_stream_to_s3(BUCKET, "streams/b.bin", io.BytesIO(b"\x00\x00")) is True
    assert s3_utils.get_file_metadata(BUCKET, "streams/a.csv")["content_type"] == "text/csv"
    assert s3_utils.get_file_metadata(BUCKET, "streams/b.bin")["content_type"] == "application/octet-stream"
    sink = io.BytesIO()
    assert s3_utils.download_to_stream(BUCKET, "streams/a.csv", sink) is True
    assert sink.getvalue() == b"x,y\n1,2\n"


def test_resource_download_file(s3_utils, tmp_path):
    assert s3_utils.put_with_resource(BUCKET, "res/report.pdf", b"%PDF report", "application/pdf") == "res/report.pdf"
    target = tmp_path / "report.pdf"
    assert s3_utils.download_with_resource(BUCKET, "res/report.pdf", str(target)) == str(target)
    assert target.read_bytes() == b"%PDF report"



def test_resource_object_upload_file_and_load(s3_utils, tmp_path):
    source = tmp_path / "notes.pdf"
    source.write_bytes(b"%PDF notes")
    assert s3_utils.upload_with_resource_object(BUCKET, "res/notes.pdf", str(source)) == "res/notes.pdf"
    assert s3_utils.read_with_resource(BUCKET, "res/notes.pdf") == b"%PDF notes"
    assert s3_utils.get_file_metadata(BUCKET, "res/notes.pdf")["content_type"] == "application/pdf"
    assert s3_utils.resource_object_exists(BUCKET, "res/notes.pdf") is True
    assert s3_utils.resource_object_exists(BUCKET, "res/absent.pdf") is False

def test_presigned_download_url(s3_utils):
    assert s3_utils.upload_binary_to_s3(BUCKET, "user_data/alice/cs101/share me.pdf", b"%PDF shared", "application/pdf")
    url = s3_utils.generate_presigned_url(BUCKET, "user_data/alice/cs101/share me.pdf", 120)
    assert isinstance(url, str)
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"%PDF shared"
        assert response.headers["Content-Type"] == "application/pdf"


def test_presigned_upload_url_uploads_and_overwrites(s3_utils):
    for body in (b"%PDF first", b"%PDF second"):
        url = s3_utils.generate_upload_url(BUCKET, "user_data/alice/cs101/inbox/upload.pdf")
        request = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": "application/pdf"})
        with urllib.request.urlopen(request) as response:
            assert response.status == 200
        assert s3_utils.read_binary_from_s3(BUCKET, "user_data/alice/cs101/inbox/upload.pdf") == body
    assert s3_utils.get_file_metadata(BUCKET, "user_data/alice/cs101/inbox/upload.pdf")["content_type"] == (
        "application/pdf"
    )
