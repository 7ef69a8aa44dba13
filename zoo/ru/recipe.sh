#!/usr/bin/env bash
# zoo/ru: the Russian recognizer (the seventh language, corpora/ADDING_A_LANGUAGE.md). Stage 1 of
# rec_mv3_crnn from our Latin weights (`zoo/mobile/recipe.sh rec_ru`, zoo/mobile/v2/STAGES.md)
# learnt Cyrillic slowly; this one starts from an official recognizer instead, the 66 Cyrillic
# letters of lang:ru as new rows. Every step, and how it starts and trains: zoo/official_rec.sh.
#     STAGE=1 bash zoo/ru/recipe.sh rec|dets|publish    (STEPS=N: another length)
# DET, CLS: the detector and the classifier the dets step ranks first on the ru set.
CODE=ru STEPS=${STEPS:-1500} MAXLEN=40 SEED=1600 PEERS=
DET=${DET:-ppocrv3-en} CLS=${CLS:-ppocrv3-en}
source zoo/official_rec.sh
