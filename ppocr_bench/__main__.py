from ppocr_bench.cli import app

app(prog_name="ppocr-bench")
