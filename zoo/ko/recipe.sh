#!/usr/bin/env bash
# zoo/ko: a Korean recognizer made here from an official one; no official PaddleOCR recognizer
# reads Hangul. The 2,350 Hangul syllables of lang:ko are the new rows. Every step, and how the
# recognizer starts and trains: zoo/official_rec.sh.
#     STAGE=1 bash zoo/ko/recipe.sh rec|dets|publish    (STEPS=N: another length)
# zoo/ko as published: STAGE=1 ... rec; STAGE=2 STEPS=2500 ... rec; STAGE=2 ... publish.
# DET, CLS: the detector and the classifier the dets step ranks first on the ko set.
CODE=ko STEPS=${STEPS:-3500} MAXLEN=25 SEED=1500 PEERS=zoo/mobile
DET=${DET:-ppocrv3-ch} CLS=${CLS:-mobile}
source zoo/official_rec.sh
