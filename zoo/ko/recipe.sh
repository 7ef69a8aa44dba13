#!/usr/bin/env bash
# zoo/ko: a Korean recognizer made here from an official one; no official PaddleOCR recognizer
# reads Hangul. The 2,350 Hangul syllables of lang:ko are the new rows. Every step, and how the
# recognizer starts and trains: zoo/official_rec.sh.
#     STAGE=1 bash zoo/ko/recipe.sh rec|dets|publish
# DET: ppocrv3-ch, first of the official detectors on the ko set (the dets step).
CODE=ko STEPS=3500 MAXLEN=25 SEED=1500 DET=${DET:-ppocrv3-ch} PEERS=zoo/mobile
source zoo/official_rec.sh
